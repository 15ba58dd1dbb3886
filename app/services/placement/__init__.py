"""Students with host families: the placement rules as pure functions, the facts they check,
placing and moving under guarded bed counts, and optimal matching proposals."""
