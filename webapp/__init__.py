"""Web server of the demo page, the widget assets and the mail auto-configuration routes."""
