"""Pure rules for BPA (no Django): working time (arbeidsmiljøloven ch. 10) and the hours budget."""
