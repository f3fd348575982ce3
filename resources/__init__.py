"""Resources shipped with the till: demo data recipes, later icons, theme, translations."""
