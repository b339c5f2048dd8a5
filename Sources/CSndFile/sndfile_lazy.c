#include "sndfile_lazy.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The parts of libsndfile's sndfile.h used here (its ABI has been stable since 1.0).
typedef int64_t sf_count_t;
typedef struct SNDFILE_tag SNDFILE;
typedef struct {
    sf_count_t frames;
    int samplerate, channels, format, sections, seekable;
} SF_INFO;
typedef struct {
    sf_count_t (*get_filelen)(void *user_data);
    sf_count_t (*seek)(sf_count_t offset, int whence, void *user_data);
    sf_count_t (*read)(void *ptr, sf_count_t count, void *user_data);
    sf_count_t (*write)(const void *ptr, sf_count_t count, void *user_data);
    sf_count_t (*tell)(void *user_data);
} SF_VIRTUAL_IO;
enum { SFM_READ = 0x10 };

static struct {
    SNDFILE *(*open_virtual)(SF_VIRTUAL_IO *, int, SF_INFO *, void *);
    sf_count_t (*readf_float)(SNDFILE *, float *, sf_count_t);
    int (*close)(SNDFILE *);
    const char *(*strerror)(SNDFILE *);
} library;
static char load_error[256];
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static void load(void) {
    void *handle = dlopen("libsndfile.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    library.open_virtual = dlsym(handle, "sf_open_virtual");
    library.readf_float = dlsym(handle, "sf_readf_float");
    library.close = dlsym(handle, "sf_close");
    library.strerror = dlsym(handle, "sf_strerror");
    if (!library.open_virtual || !library.readf_float || !library.close || !library.strerror) {
        snprintf(load_error, sizeof load_error, "libsndfile.so.1 lacks sf_open_virtual, sf_readf_float, sf_close or sf_strerror");
        library.open_virtual = NULL;
    }
}

// A read-only file over the request's bytes.
struct memory_file {
    const unsigned char *bytes;
    sf_count_t count, position;
};
static sf_count_t file_length(void *user) { return ((struct memory_file *)user)->count; }
static sf_count_t file_seek(sf_count_t offset, int whence, void *user) {
    struct memory_file *file = user;
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? file->position : file->count;
    sf_count_t target = base + offset;
    if (target < 0 || target > file->count) return -1;
    file->position = target;
    return target;
}
static sf_count_t file_read(void *destination, sf_count_t count, void *user) {
    struct memory_file *file = user;
    sf_count_t available = file->count - file->position;
    if (count > available) count = available;
    if (count <= 0) return 0;
    memcpy(destination, file->bytes + file->position, (size_t)count);
    file->position += count;
    return count;
}
static sf_count_t file_write(const void *source, sf_count_t count, void *user) {
    (void)source, (void)count, (void)user;
    return 0;
}
static sf_count_t file_tell(void *user) { return ((struct memory_file *)user)->position; }

int maas_sndfile_decode(const unsigned char *bytes, size_t count, double max_seconds, struct maas_decoded_audio *out,
                        char *message, size_t message_size) {
    pthread_once(&loaded, load);
    memset(out, 0, sizeof *out);
    if (!library.open_virtual) {
        snprintf(message, message_size, "%s", load_error);
        return MAAS_SNDFILE_MISSING;
    }
    struct memory_file file = {bytes, (sf_count_t)count, 0};
    SF_VIRTUAL_IO io = {file_length, file_seek, file_read, file_write, file_tell};
    SF_INFO info;
    memset(&info, 0, sizeof info);
    SNDFILE *sound = library.open_virtual(&io, SFM_READ, &info, &file);
    if (!sound) {
        snprintf(message, message_size, "%s", library.strerror(NULL));
        return MAAS_SNDFILE_UNREADABLE;
    }
    if (info.channels < 1 || info.channels > 64 || info.samplerate < 1000 || info.samplerate > 768000) {
        snprintf(message, message_size, "%d channels at %d Hz; 1 to 64 channels at 1,000 to 768,000 Hz are read", info.channels,
                 info.samplerate);
        library.close(sound);
        return MAAS_SNDFILE_UNREADABLE;
    }
    // The header's frame count is a hint (an MP3 without a Xing header estimates it): read in
    // blocks until the decoder stops, growing the buffer, and stop past the limit.
    sf_count_t limit = (sf_count_t)(max_seconds * info.samplerate) + 1;
    sf_count_t capacity = info.frames > 0 && info.frames < limit ? info.frames + 4096 : 65536;
    float *samples = malloc((size_t)(capacity * info.channels) * sizeof(float));
    sf_count_t frames = 0;
    int status = MAAS_SNDFILE_OK;
    while (samples) {
        if (frames == capacity) {
            capacity *= 2;
            float *grown = realloc(samples, (size_t)(capacity * info.channels) * sizeof(float));
            if (!grown) {
                free(samples);
                samples = NULL;
                break;
            }
            samples = grown;
        }
        sf_count_t got = library.readf_float(sound, samples + frames * info.channels, capacity - frames);
        if (got <= 0) break;
        frames += got;
        if (frames > limit) {
            status = MAAS_SNDFILE_TOO_LONG;
            break;
        }
    }
    const char *reason = library.strerror(sound);
    library.close(sound);
    if (!samples) {
        snprintf(message, message_size, "out of memory decoding %lld frames", (long long)frames);
        return MAAS_SNDFILE_UNREADABLE;
    }
    if (status != MAAS_SNDFILE_OK || frames == 0) {
        free(samples);
        if (frames == 0) snprintf(message, message_size, "no samples decoded (%s)", reason);
        return status != MAAS_SNDFILE_OK ? status : MAAS_SNDFILE_UNREADABLE;
    }
    out->samples = samples;
    out->frames = frames;
    out->channels = info.channels;
    out->sample_rate = info.samplerate;
    out->format = info.format;
    return MAAS_SNDFILE_OK;
}

void maas_sndfile_free(float *samples) { free(samples); }
