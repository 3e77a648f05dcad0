"""Pure rules of the core: no Django imports here."""
