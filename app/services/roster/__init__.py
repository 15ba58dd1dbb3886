"""What is printed or downloaded about a cohort: rosters with chosen columns, host family and
missing-documents lists, emergency cards. They build sheets; app.printing renders them."""
