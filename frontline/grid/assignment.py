"""The balanced contact-household assignment, as a pure function (used by the proposal and the demo city)."""


def balanced_assignment(households: list[tuple[int, int]], members_by_building: dict[int, list[int]],
                        load: dict[int, int], max_per_member: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Assign each (household id, building id) to the least-loaded party member living in its building,
    else to the least-loaded member of the grid (ties: lowest id), never above `max_per_member`.

    `load` maps every eligible member id to the households they already have; it is updated.
    Returns the (household id, member id) pairs and the household ids left over.
    """
    everyone = sorted(load)
    pairs, unassigned = [], []
    for household_id, building_id in households:
        for candidates in (members_by_building.get(building_id, ()), everyone):
            open_ = [m for m in candidates if load[m] < max_per_member]
            if open_:
                chosen = min(open_, key=lambda m: (load[m], m))
                load[chosen] += 1
                pairs.append((household_id, chosen))
                break
        else:
            unassigned.append(household_id)
    return pairs, unassigned
