"""BPA (brukerstyrt personlig assistanse): the arrangement, assistants, shifts, timesheets, working-time rules."""
