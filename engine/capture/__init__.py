"""Serving a composition to Chromium and capturing frames into rgb48le buffers."""
