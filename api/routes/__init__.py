"""The routes of the API and the web pages, one module per resource."""
