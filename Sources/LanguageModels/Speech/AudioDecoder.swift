import CSndFile
import Foundation

/// Audio a request sent that is not usable, named for the caller.
public struct AudioError: Error, CustomStringConvertible, Equatable, Sendable {
    public let message: String
    /// The bytes may be audio another decoder reads (not WAV, or a WAV codec `wav` leaves aside).
    let otherCodec: Bool
    public init(_ message: String) { self.init(message, otherCodec: false) }
    init(_ message: String, otherCodec: Bool) {
        self.message = message
        self.otherCodec = otherCodec
    }
    public var description: String { message }
}

/// Decoded audio: mono samples in [-1, 1] at `sampleRate`.
public struct Audio: Sendable {
    public var samples: [Float]
    public var sampleRate: Int
    public var seconds: Double { Double(samples.count) / Double(max(sampleRate, 1)) }

    public init(samples: [Float], sampleRate: Int) {
        self.samples = samples
        self.sampleRate = sampleRate
    }

    /// Reads an audio file of any format SwiftMaaS decodes: WAV (PCM or float) by `wav`, and
    /// everything else libsndfile reads (FLAC, MP3, Ogg Vorbis and Opus, AIFF, and WAV's ADPCM,
    /// A-law and µ-law codecs) by `compressed`. A compressed file is decoded up to `maxSeconds`
    /// only (a few kilobytes of it can expand to hours); a WAV is as long as its bytes.
    public static func decode(_ bytes: [UInt8], maxSeconds: Double = 4 * 3600) throws -> Audio {
        let audio: Audio
        do {
            audio = try wav(bytes)
        } catch let error as AudioError where error.otherCodec {
            let isWAV = bytes.count >= 12 && bytes[0..<4].elementsEqual("RIFF".utf8)
            audio = try compressed(bytes, maxSeconds: maxSeconds, wavReason: isWAV ? error.message : nil)
        }
        return audio
    }

    /// Decodes FLAC, MP3, Ogg, AIFF and the WAV codecs `wav` leaves aside through libsndfile.
    static func compressed(_ bytes: [UInt8], maxSeconds: Double, wavReason: String?) throws -> Audio {
        var decoded = maas_decoded_audio()
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { bytes in
            message.withUnsafeMutableBufferPointer { message in
                maas_sndfile_decode(bytes.baseAddress, bytes.count, maxSeconds, &decoded, message.baseAddress, message.count)
            }
        }
        let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        switch Int(status) {
        case Int(MAAS_SNDFILE_OK.rawValue): break
        case Int(MAAS_SNDFILE_MISSING.rawValue):
            throw AudioError("\(wavReason ?? "this audio is not WAV"); FLAC, MP3 and Ogg need libsndfile, which this server lacks (\(reason)); install it with: apt-get install libsndfile1")
        case Int(MAAS_SNDFILE_TOO_LONG.rawValue):
            throw AudioError(String(format: "the audio lasts more than %.0f s; at most %.0f s are read per request", maxSeconds, maxSeconds))
        default:
            throw AudioError(wavReason ?? "not audio SwiftMaaS can decode (\(reason)); send WAV, FLAC, MP3, Ogg Vorbis/Opus or AIFF")
        }
        defer { maas_sndfile_free(decoded.samples) }
        let channels = Int(decoded.channels), frames = Int(decoded.frames)
        var samples = [Float](repeating: 0, count: frames)
        let scale = 1 / Float(channels)
        for f in 0..<frames {
            var sum: Float = 0
            for c in 0..<channels { sum += decoded.samples[f * channels + c] }
            samples[f] = sum * scale
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) { throw AudioError("audio sample \(bad) is not a finite number") }
        return Audio(samples: samples, sampleRate: Int(decoded.sample_rate))
    }

    /// Reads a RIFF/WAVE file: PCM 8, 16, 24 or 32 bit, IEEE float 32 or 64 bit (plain or
    /// WAVE_FORMAT_EXTENSIBLE), any sample rate, any channel count (averaged to mono).
    public static func wav(_ bytes: [UInt8]) throws -> Audio {
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw AudioError("not a WAV file (no RIFF/WAVE header)", otherCodec: true)
        }
        func u16(_ i: Int) -> Int { Int(bytes[i]) | Int(bytes[i + 1]) << 8 }
        func u32(_ i: Int) -> Int { u16(i) | u16(i + 2) << 16 }
        var offset = 12
        var format: (tag: Int, channels: Int, rate: Int, bits: Int)?
        var dataRange: Range<Int>?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self), size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                guard size >= 16, body + 16 <= bytes.count else { throw AudioError("truncated WAV: the fmt chunk is cut short") }
                var tag = u16(body)
                if tag == 0xFFFE, size >= 40, body + 26 <= bytes.count { tag = u16(body + 24) }  // the sub-format GUID's first two bytes
                format = (tag, u16(body + 2), u32(body + 4), u16(body + 14))
            } else if id == "data" {
                // A streamed WAV may give 0 or 0xFFFFFFFF as its size: the data runs to the end.
                let end = size == 0 || size == 0xFFFF_FFFF ? bytes.count : body + size
                guard end <= bytes.count else {
                    throw AudioError("truncated WAV: the data chunk declares \(size) bytes, \(max(0, bytes.count - body)) arrived")
                }
                dataRange = body..<end
                break
            }
            offset = body + size + (size & 1)
        }
        guard let format else { throw AudioError("truncated WAV: no fmt chunk before the samples") }
        guard let dataRange else { throw AudioError("truncated WAV: no data chunk") }
        guard format.channels >= 1, format.channels <= 64 else { throw AudioError("WAV with \(format.channels) channels; 1 to 64 are read") }
        guard (1_000...768_000).contains(format.rate) else { throw AudioError("WAV sample rate \(format.rate) Hz; 1,000 to 768,000 Hz are read") }
        let width: Int
        switch (format.tag, format.bits) {
        case (1, 8), (1, 16), (1, 24), (1, 32), (3, 32), (3, 64): width = format.bits / 8
        case (1, _), (3, _): throw AudioError("WAV with \(format.bits)-bit samples; PCM 8/16/24/32-bit and float 32/64-bit are read")
        default:
            throw AudioError("unsupported WAV codec (format tag \(format.tag)\(format.tag == 0x55 ? ", MP3" : format.tag == 2 || format.tag == 0x11 ? ", ADPCM" : format.tag == 6 || format.tag == 7 ? ", A-law/µ-law" : "")); send PCM or float WAV", otherCodec: true)
        }
        let frame = width * format.channels
        let frames = dataRange.count / frame
        guard frames > 0 else { throw AudioError("WAV holds no samples") }
        var samples = [Float](repeating: 0, count: frames)
        let scale = 1 / Float(format.channels)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataRange.lowerBound
            for f in 0..<frames {
                var sum: Float = 0
                for c in 0..<format.channels {
                    let p = base + f * frame + c * width
                    switch (format.tag, width) {
                    case (1, 1): sum += (Float(p.load(as: UInt8.self)) - 128) / 128
                    case (1, 2): sum += Float(Int16(littleEndian: p.loadUnaligned(as: Int16.self))) / 32768
                    case (1, 3):
                        let value = Int32(p.load(as: UInt8.self)) | Int32(p.load(fromByteOffset: 1, as: UInt8.self)) << 8 | Int32(p.load(fromByteOffset: 2, as: Int8.self)) << 16
                        sum += Float(value) / 8_388_608
                    case (1, 4): sum += Float(Int32(littleEndian: p.loadUnaligned(as: Int32.self))) / 2_147_483_648
                    case (3, 4): sum += Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
                    default: sum += Float(Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))))
                    }
                }
                samples[f] = sum * scale
            }
        }
        if let bad = samples.firstIndex(where: { !$0.isFinite }) { throw AudioError("WAV sample \(bad) is not a finite number") }
        return Audio(samples: samples, sampleRate: format.rate)
    }

    /// The same audio at `rate` Hz: windowed-sinc (Hann) interpolation with taps within 16 zero
    /// crossings of the lower rate's band limit (scripts/make_whisper_fixtures.py holds the same
    /// formula, so the reference runs on the same samples).
    public func resampled(to rate: Int) -> Audio {
        guard rate != sampleRate else { return self }
        let ratio = Double(rate) / Double(sampleRate), cutoff = min(1, ratio)
        let halfWidth = 16 / cutoff
        let count = Int((Double(samples.count) * ratio).rounded(.down))
        // Output n sits at source time n·in/out = whole + phase/out: the taps depend only on the
        // phase, of which there are out/gcd(in, out); each phase's weights are computed once.
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        let phases = rate / gcd(rate, sampleRate)
        let step = rate / phases  // phase units per 1/rate of a source sample
        var firstTap = [Int](repeating: 0, count: phases), weights = [[Double]](repeating: [], count: phases)
        for phase in 0..<phases {
            let fraction = Double(phase * step) / Double(rate)
            let first = Int((fraction - halfWidth).rounded(.up)), last = Int((fraction + halfWidth).rounded(.down))
            firstTap[phase] = first
            weights[phase] = (first...last).map { k in
                let d = fraction - Double(k), argument = d * cutoff
                let sinc = Swift.abs(argument) < 1e-12 ? 1 : sin(Double.pi * argument) / (Double.pi * argument)
                return cutoff * sinc * (0.5 + 0.5 * cos(Double.pi * d / halfWidth))
            }
        }
        var out = [Float](repeating: 0, count: count)
        samples.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                for n in 0..<count {
                    let position = n * sampleRate
                    let whole = position / rate, phase = (position % rate) / step
                    let start = whole + firstTap[phase]
                    var sum = 0.0
                    weights[phase].withUnsafeBufferPointer { w in
                        for (j, weight) in w.enumerated() {
                            let k = start + j
                            if k >= 0 && k < x.count { sum += Double(x[k]) * weight }
                        }
                    }
                    out[n] = Float(sum)
                }
            }
        }
        return Audio(samples: out, sampleRate: rate)
    }
}
