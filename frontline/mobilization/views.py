"""Pages of mobilization: cadres sent down and their groups, party-fee allocations."""
