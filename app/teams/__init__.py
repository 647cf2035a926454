"""Teams: municipal teams (a lead municipality and partners), their members and invitations."""
