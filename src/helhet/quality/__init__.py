"""Quality system (issue 7): avvik, varsling, ROS, undersøkelser. Only pure rules so far."""
