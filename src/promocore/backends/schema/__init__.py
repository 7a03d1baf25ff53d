"""The SQL of the schema's migrations, one file per migration and database."""
