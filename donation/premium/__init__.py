"""The premium: the calculator over rule data, the rule store and its seed, card prices as allocation sees them, quotes."""
