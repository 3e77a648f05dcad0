"""Pure rules for the quality system (no Django): risk matrix, avvik figures, surveys, varsling."""
