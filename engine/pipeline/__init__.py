"""The render pipeline's parts: path gate and partitioners (pure), buffer ring, reorder fence."""
