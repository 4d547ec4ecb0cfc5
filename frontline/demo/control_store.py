"""The demo's scan storage: the scans' day partitions for the kept days and the days ahead (PostgreSQL; nothing
on SQLite), so the demo gate's scans today land in today's partition."""


def demo_store_create() -> None:
    from frontline.epidemic.scan_storage import scan_partitions_ensure

    scan_partitions_ensure()
