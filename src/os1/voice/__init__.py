"""Voice: the ear (audio in, voice activity, speech to text), the mouth (text to speech, voices) and the live
duplex loop that joins them to the same turn function the text chat uses (companion.respond)."""
