"""What mobilization adds to the platform: its actions and grants, navigation, figures and pages."""
