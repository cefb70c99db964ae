"""Media: video and audio clips of a composition, decoded and mixed by PyAV.

- `clips`: `MediaClip` and the timing rules (which source time a composition time shows);
- `census`: the page's media elements -> validated, probed clips (bad media is bad input);
- `probe`, `video`: a source's streams; `VideoDecoder.frame_at(t)`, sequential and exact;
- `feed`, `server`: a browser session's decoders and the loopback server its page reads frames from;
- `audio`, `audio_encode`: the render's mix (48 kHz stereo) and its stream in the output.

PyAV is imported by the modules that decode, not by this package.
"""
