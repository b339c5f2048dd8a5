#ifndef MAAS_SNDFILE_LAZY_H
#define MAAS_SNDFILE_LAZY_H
// Compressed audio (FLAC, MP3, Ogg Vorbis and Opus, AIFF, and the WAV codecs Audio.wav does not
// read itself: ADPCM, A-law, µ-law) decoded by libsndfile (Debian's libsndfile1 1.2, which reads
// MP3 through libmpg123), loaded with dlopen on the first such request instead of linked: a
// server that only ever receives WAV needs neither the library nor its codecs installed.

#include <stddef.h>

enum maas_sndfile_status {
    MAAS_SNDFILE_OK = 0,
    /// libsndfile.so.1 is not installed; `message` says how to install it.
    MAAS_SNDFILE_MISSING = 1,
    /// The bytes are not audio libsndfile recognises, or are damaged; `message` is its reason.
    MAAS_SNDFILE_UNREADABLE = 2,
    /// The audio runs past `max_seconds`; nothing is returned.
    MAAS_SNDFILE_TOO_LONG = 3,
};

/// What a decode produced: interleaved float samples in [-1, 1] (free them with
/// maas_sndfile_free), and the container and codec libsndfile found.
struct maas_decoded_audio {
    float *samples;
    long long frames;
    int channels;
    int sample_rate;
    /// libsndfile's SF_FORMAT_* value: major (container) bits 0xFFF0000, subtype bits 0xFFFF.
    int format;
};

/// Decodes `count` bytes of an audio file held in memory. At most `max_seconds` of audio are
/// decoded: longer input stops with MAAS_SNDFILE_TOO_LONG rather than expanding without bound.
int maas_sndfile_decode(const unsigned char *bytes, size_t count, double max_seconds, struct maas_decoded_audio *out,
                        char *message, size_t message_size);
void maas_sndfile_free(float *samples);

#endif
