"""The Textual UI. Imported only when the app runs (`aftercare` in a terminal, `aftercare ui`):
plain commands never load Textual. Build the app with `aftercare.screens.app.make_app()`."""
