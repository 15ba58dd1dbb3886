"""Host families: sign-up, the application saved and submitted, vetting steps and decisions."""
