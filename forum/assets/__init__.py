"""Static files for slow connections: web fonts cut to the scripts the interface uses, files served under
versioned names with long-lived caching and compressed (gzip, Brotli), by WhiteNoise inside the app.

`flask assets build` writes the build (make run and make test do it); without one, Flask serves static/
as it is (the full fonts, no versioned names).
"""
