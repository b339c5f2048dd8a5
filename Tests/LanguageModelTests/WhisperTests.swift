import Foundation
import LanguageModels
import Testing

/// Whisper tiny.en against faster-whisper on the same weights (scripts/make_whisper_fixtures.py):
/// the log-mel front end, the encoder, and greedy transcription token for token, on clips that
/// espeak-ng speaks at test time (deterministic: the fixture records each WAV's SHA-256).
@Suite(.serialized) struct WhisperAgreement {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/whisper-tiny-en").standardized.path

    struct Features: Decodable { let frames: Int; let frame_means: [Float]; let bin_means: [Float]; let first_frames: [[Float]] }
    struct Encoder: Decodable { let frame_means: [Float]; let first_frames: [[Float]] }
    struct Segment: Decodable { let start: Double; let end: Double; let text: String; let tokens: [Int32] }
    struct Prompted: Decodable { let prompt: String; let prompt_tokens: [Int32]; let segments: [Segment] }
    struct TimedWord: Decodable { let word: String; let start: Double; let end: Double; let probability: Double }
    struct WordSegment: Decodable { let start: Double; let end: Double; let seek: Int; let tokens: [Int32]; let words: [TimedWord] }
    struct Clip: Decodable {
        let sentence: String, wav_sha256: String, source_rate: Int, samples: Int, audio_head: [Float]
        let features: Features, encoder: Encoder, segments: [Segment], text: String, prompted: Prompted?, beam5: [Segment]
        let words: [WordSegment]
    }
    struct LongWords: Decodable { let repeats: Int; let gap_samples: Int; let segments: [WordSegment] }
    struct Fixture: Decodable { let clips: [Clip]; let synthetic: Features; let long_words: LongWords }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "whisper_tiny_en", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static let transcriber: Result<WhisperTranscriber, Error> = Result { try WhisperTranscriber(directory: modelDirectory) }

    /// The same integer-arithmetic signal as the fixture script's `synthetic()`.
    static func synthetic() -> [Float] {
        var state: Int64 = 12345
        return (0..<48_000).map { n -> Float in
            state = (state * 1_103_515_245 + 12345) % (1 << 31)
            let noise = (state >> 16) % 2001 - 1000
            let tone = Int64((n / 20) % 2 == 0 ? 3000 : -3000) + Int64((n / 7) % 2 == 0 ? 2000 : -2000)
            let product = tone * Int64(n % 16000)
            let floored = product >= 0 ? product / 16000 : -((-product + 15999) / 16000)  // Python's // floors
            let value = max(-32768, min(32767, floored + noise))
            return Float(value) / 32768
        }
    }

    func expectFeatures(_ values: [Float], frames: Int, _ reference: Features, _ label: String) {
        #expect(frames == reference.frames, "\(label): \(frames) frames vs \(reference.frames)")
        guard frames == reference.frames else { return }
        var worst: Float = 0
        for t in 0..<frames {
            var mean: Float = 0
            for c in 0..<80 { mean += values[c * frames + t] }
            worst = max(worst, Swift.abs(mean / 80 - reference.frame_means[t]))
        }
        for c in 0..<80 {
            let mean = (0..<frames).reduce(Float(0)) { $0 + values[c * frames + $1] } / Float(frames)
            worst = max(worst, Swift.abs(mean - reference.bin_means[c]))
        }
        for (t, row) in reference.first_frames.enumerated() { for c in 0..<80 { worst = max(worst, Swift.abs(values[c * frames + t] - row[c])) } }
        #expect(worst < 1e-3, "\(label): log-mel features differ from faster-whisper's by up to \(worst)")
    }

    @Test func logMelMatchesFasterWhisperOnASyntheticSignal() {
        let (values, frames) = LogMelSpectrogram().features(Self.synthetic())
        expectFeatures(values, frames: frames, Self.fixture.synthetic, "synthetic")
    }

    /// espeak-ng's WAV of a sentence, or nil with an issue recorded.
    func speak(_ clip: Clip) throws -> [UInt8]? { try Self.speak(clip.sentence, voice: "en-us", speed: nil, sha256: clip.wav_sha256) }

    static func speak(_ sentence: String, voice: String, speed: Int?, sha256: String) throws -> [UInt8]? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-speech-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/espeak-ng")
        process.arguments = ["-v", voice] + (speed.map { ["-s", String($0)] } ?? []) + ["-w", path, sentence]
        do { try process.run() } catch { Issue.record("espeak-ng is needed to speak the test clips (apt-get install espeak-ng)"); return nil }
        process.waitUntilExit()
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let digest = Process(), pipe = Pipe()
        digest.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        digest.arguments = [path]
        digest.standardOutput = pipe
        try digest.run()
        digest.waitUntilExit()
        let sha = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ").first.map(String.init)
        #expect(sha == sha256, "espeak-ng spoke '\(sentence)' differently from the fixture's (another espeak-ng version?)")
        return bytes
    }

    @Test(arguments: 0..<3)
    func transcriptionMatchesFasterWhisperTokenForToken(_ index: Int) throws {
        let clip = Self.fixture.clips[index]
        let transcriber = try Self.transcriber.get()
        guard let wav = try speak(clip) else { return }
        let audio = try Audio.wav(wav)
        #expect(audio.sampleRate == clip.source_rate)
        let resampled = audio.resampled(to: 16_000)
        #expect(resampled.samples.count == clip.samples)
        #expect(zip(resampled.samples, clip.audio_head).allSatisfy { Swift.abs($0 - $1) < 1e-6 }, "resampled audio differs")
        let (mel, frames) = transcriber.frontEnd.features(resampled.samples)
        expectFeatures(mel, frames: frames, clip.features, clip.sentence)
        // The encoder over the first window, zero-padded to 30 s as faster-whisper pads it.
        var window = [Float](repeating: 0, count: 80 * 3000)
        for c in 0..<80 { for t in 0..<min(frames, 3000) { window[c * 3000 + t] = mel[c * frames + t] } }
        let encoded = transcriber.model.encode(window)
        let h = transcriber.model.config.hidden
        var worst: Float = 0
        for (t, mean) in clip.encoder.frame_means.enumerated() {
            worst = max(worst, Swift.abs((0..<h).reduce(Float(0)) { $0 + encoded[t * h + $1] } / Float(h) - mean))
        }
        for (t, row) in clip.encoder.first_frames.enumerated() { for c in 0..<h { worst = max(worst, Swift.abs(encoded[t * h + c] - row[c])) } }
        #expect(worst < 2e-3, "encoder output differs from CTranslate2's by up to \(worst)")
        // Greedy decoding with timestamps, as WhisperModel.transcribe(beam_size=1, temperature=0).
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.conditionOnPreviousText = false
        let transcript = try transcriber.transcribe(resampled, options: options)
        #expect(transcript.segments.map(\.tokens) == clip.segments.map(\.tokens), "\(transcript.segments.map(\.text))")
        #expect(transcript.segments.map(\.start) == clip.segments.map(\.start) && transcript.segments.map(\.end) == clip.segments.map(\.end))
        #expect(transcript.text == clip.text)
        // Beam search with five beams, as faster-whisper's default decoding.
        var beamed = options
        beamed.beamSize = 5
        let searched = try transcriber.transcribe(resampled, options: beamed)
        #expect(searched.segments.map(\.tokens) == clip.beam5.map(\.tokens), "\(searched.segments.map(\.text)) vs \(clip.beam5.map(\.text))")
        // With an initial prompt: its BPE tokens, and what is decoded after them.
        if let prompted = clip.prompted {
            #expect(try transcriber.promptTokens(prompted.prompt) == prompted.prompt_tokens)
            options.promptTokens = try transcriber.promptTokens(prompted.prompt)
            let withPrompt = try transcriber.transcribe(resampled, options: options)
            #expect(withPrompt.segments.map(\.tokens) == prompted.segments.map(\.tokens), "\(withPrompt.segments.map(\.text))")
        }
    }

    /// The int8 compute type (`--compute-type int8`, as faster-whisper's): the decoder's per-step
    /// layers and output projection in 8-bit integer products. Its step logits stay within a
    /// few hundredths of the exact ones, and on the fixture clips greedy decoding writes the
    /// same words as faster-whisper float32 (a closer call could flip a token; it did not here).
    @Test func int8ComputeKeepsTheTranscripts() throws {
        let exact = try Self.transcriber.get()
        let int8 = try WhisperTranscriber(directory: Self.modelDirectory, computeType: .int8)
        #expect(int8.model.computeType == .int8 && exact.model.computeType == .float32)
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.conditionOnPreviousText = false
        var worst: Float = 0, spread: Float = 0
        for clip in Self.fixture.clips {
            guard let wav = try speak(clip) else { return }
            let audio = try Audio.wav(wav).resampled(to: 16_000)
            #expect(try int8.transcribe(audio, options: options).text == clip.text, "\(clip.sentence)")
            // One step after the start-of-transcript prompt, from the same encoder output.
            let (mel, frames) = exact.frontEnd.features(audio.samples)
            var window = [Float](repeating: 0, count: 80 * 3000)
            for c in 0..<80 { for t in 0..<min(frames, 3000) { window[c * 3000 + t] = mel[c * frames + t] } }
            let encoded = exact.model.encode(window)
            let states = [exact.model.decoderState(encoded: encoded), int8.model.decoderState(encoded: encoded)]
            _ = exact.model.prefill([exact.tokenizer.startOfTranscript], state: states[0], logitsAt: [])
            _ = int8.model.prefill([exact.tokenizer.startOfTranscript], state: states[1], logitsAt: [])
            let a = exact.model.step(50363, state: states[0]), b = int8.model.step(50363, state: states[1])
            worst = max(worst, zip(a, b).map { Swift.abs($0 - $1) }.max()!)
            spread = max(spread, a.max()! - a.min()!)
            #expect(a.indices.max { a[$0] < a[$1] } == b.indices.max { b[$0] < b[$1] }, "\(clip.sentence): the most likely token differs")
        }
        #expect(worst < 0.02 * spread, "int8 logits differ from float32's by up to \(worst) (range \(spread))")
    }

    /// Word timestamps against faster-whisper's (word_timestamps=True): the same words, segment
    /// bounds and seeks, times within one 20 ms alignment step, probabilities within 0.01.
    func expectWords(_ transcript: Transcript, _ reference: [WordSegment], _ label: String) {
        #expect(transcript.segments.map(\.tokens) == reference.map(\.tokens), "\(label): \(transcript.segments.map(\.text))")
        #expect(transcript.segments.map(\.seek) == reference.map(\.seek), "\(label): seeks")
        let words = transcript.segments.flatMap { $0.words ?? [] }, expected = reference.flatMap(\.words)
        #expect(words.map(\.word) == expected.map(\.word), "\(label)")
        guard words.count == expected.count, transcript.segments.count == reference.count else { return }
        var worstTime = 0.0, worstProbability = 0.0
        for (word, reference) in zip(words, expected) {
            worstTime = max(worstTime, Swift.abs(word.start - reference.start), Swift.abs(word.end - reference.end))
            worstProbability = max(worstProbability, Swift.abs(word.probability - reference.probability))
        }
        for (segment, reference) in zip(transcript.segments, reference) {
            worstTime = max(worstTime, Swift.abs(segment.start - reference.start), Swift.abs(segment.end - reference.end))
        }
        #expect(worstTime <= 0.0201, "\(label): word or segment times differ from faster-whisper's by up to \(worstTime) s")
        #expect(worstProbability < 0.01, "\(label): word probabilities differ by up to \(worstProbability)")
    }

    static var wordOptions: TranscriptionOptions {
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.conditionOnPreviousText = false
        options.wordTimestamps = true
        return options
    }

    @Test func wordTimestampsMatchFasterWhisper() throws {
        let transcriber = try Self.transcriber.get()
        var spoken: [[Float]] = []
        for clip in Self.fixture.clips {
            guard let wav = try speak(clip) else { return }
            let audio = try Audio.wav(wav).resampled(to: 16_000)
            spoken.append(audio.samples)
            expectWords(try transcriber.transcribe(audio, options: Self.wordOptions), clip.words, clip.sentence)
        }
        // About 45 s: the next window starts at the last word's end, not at the last timestamp.
        let long = Self.fixture.long_words
        let gap = [Float](repeating: 0, count: long.gap_samples)
        let samples = (0..<long.repeats).flatMap { _ in spoken.flatMap { $0 + gap } }
        expectWords(try transcriber.transcribe(Audio(samples: samples, sampleRate: 16_000), options: Self.wordOptions), long.segments, "45 s")
    }
}

/// Multilingual Whisper base against faster-whisper: the detected language, the transcription and
/// the translation into English, token for token, on German and Spanish from espeak-ng.
@Suite(.serialized) struct WhisperMultilingualAgreement {
    static let modelDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../models/whisper-base").standardized.path

    struct Segment: Decodable { let start: Double; let end: Double; let tokens: [Int32] }
    struct Decoded: Decodable { let text: String; let segments: [Segment] }
    struct Clip: Decodable {
        let voice: String, speed: Int, sentence: String, wav_sha256: String, language: String, language_probability: Double
        let transcribe: Decoded, translate: Decoded
    }
    struct Fixture: Decodable { let clips: [Clip] }

    static let fixture: Fixture = {
        let url = Bundle.module.url(forResource: "whisper_base", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static let transcriber: Result<WhisperTranscriber, Error> = Result { try WhisperTranscriber(directory: modelDirectory) }

    @Test(arguments: 0..<2)
    func languageTranscriptionAndTranslation(_ index: Int) throws {
        let clip = Self.fixture.clips[index]
        let transcriber = try Self.transcriber.get()
        #expect(transcriber.tokenizer.isMultilingual && transcriber.tokenizer.languages.count >= 99)
        guard let wav = try WhisperAgreement.speak(clip.sentence, voice: clip.voice, speed: clip.speed, sha256: clip.wav_sha256) else { return }
        let audio = try Audio.wav(wav).resampled(to: 16_000)
        var options = TranscriptionOptions()
        options.temperatures = [0]
        options.conditionOnPreviousText = false
        let heard = try transcriber.transcribe(audio, options: options)
        #expect(heard.language == clip.language)
        #expect(heard.segments.map(\.tokens) == clip.transcribe.segments.map(\.tokens), "\(heard.text)")
        #expect(heard.text == clip.transcribe.text)
        options.task = .translate
        let translated = try transcriber.transcribe(audio, options: options)
        #expect(translated.segments.map(\.tokens) == clip.translate.segments.map(\.tokens), "\(translated.text)")
        #expect(translated.text == clip.translate.text)
        // A named language skips detection and decodes the same.
        options.task = .transcribe
        options.language = clip.language
        #expect(try transcriber.transcribe(audio, options: options).text == clip.transcribe.text)
    }
}

/// WAV decoding: every PCM and float layout, channels mixed down, and named errors.
@Suite struct WAVDecoding {
    /// A RIFF/WAVE file with one fmt chunk (plain or extensible) and one data chunk.
    static func wav(tag: Int, channels: Int, rate: Int, bits: Int, frames: [[Double]], extensible: Bool = false) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var data: [UInt8] = []
        for frame in frames {
            for v in frame {
                switch (tag, bits) {
                case (1, 8): data.append(UInt8(Int((v * 128).rounded()) + 128))
                case (1, 16): data += le(Int((v * 32767).rounded()), 2)
                case (1, 24): data += le(Int((v * 8_388_607).rounded()), 3)
                case (1, 32): data += le(Int((v * 2_147_483_647).rounded()), 4)
                case (3, 32): data += le(Int(Float(v).bitPattern), 4)
                case (7, 8): data.append(muLaw(v))
                default: data += le(Int(truncatingIfNeeded: v.bitPattern), 8)
                }
            }
        }
        let blockAlign = channels * bits / 8
        var fmt = le(extensible ? 0xFFFE : tag, 2) + le(channels, 2) + le(rate, 4) + le(rate * blockAlign, 4) + le(blockAlign, 2) + le(bits, 2)
        if extensible { fmt += le(22, 2) + le(bits, 2) + le(0, 4) + le(tag, 2) + [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71] }
        let body = Array("WAVE".utf8) + Array("fmt ".utf8) + le(fmt.count, 4) + fmt + Array("LIST".utf8) + le(4, 4) + Array("INFO".utf8)
            + Array("data".utf8) + le(data.count, 4) + data
        return Array("RIFF".utf8) + le(body.count, 4) + body
    }

    /// G.711 µ-law (the encoder's formula; libsndfile decodes it).
    static func muLaw(_ v: Double) -> UInt8 {
        var sample = Int((v * 32767).rounded()), sign = 0
        if sample < 0 { sample = -sample; sign = 0x80 }
        sample = min(sample, 32635) + 0x84
        var exponent = 7
        while exponent > 0 && sample & (0x4000 >> (7 - exponent)) == 0 { exponent -= 1 }
        let mantissa = (sample >> (exponent + 3)) & 0x0F
        return ~UInt8(sign | exponent << 4 | mantissa)
    }

    @Test func everyLayoutDecodesToTheSameMonoSignal() throws {
        let signal = (0..<400).map { sin(Double($0) * 0.05) * 0.5 }
        let layouts: [(tag: Int, bits: Int, tolerance: Float)] = [(1, 8, 1e-2), (1, 16, 1e-4), (1, 24, 1e-6), (1, 32, 1e-6), (3, 32, 1e-7), (3, 64, 1e-7)]
        for layout in layouts {
            for extensible in [false, true] {
                // Stereo with the signal on both channels, one of them inverted and shifted: their mean is the signal.
                let frames = signal.map { [$0 + 0.25, $0 - 0.25] }
                let audio = try Audio.wav(Self.wav(tag: layout.tag, channels: 2, rate: 22_050, bits: layout.bits, frames: frames, extensible: extensible))
                #expect(audio.sampleRate == 22_050 && audio.samples.count == 400)
                let worst = zip(audio.samples, signal).map { Swift.abs($0 - Float($1)) }.max()!
                #expect(worst < layout.tolerance, "tag \(layout.tag), \(layout.bits) bits, extensible \(extensible): off by \(worst)")
            }
        }
    }

    @Test func resamplingKeepsATone() throws {
        // 440 Hz at 44.1 kHz to 16 kHz: the same tone (away from the edges).
        let source = Audio(samples: (0..<44_100).map { Float(sin(2 * Double.pi * 440 * Double($0) / 44_100)) }, sampleRate: 44_100)
        let out = source.resampled(to: 16_000)
        #expect(out.samples.count == 16_000)
        let worst = (200..<15_800).map { Swift.abs(out.samples[$0] - Float(sin(2 * Double.pi * 440 * Double($0) / 16_000))) }.max()!
        #expect(worst < 1e-3, "\(worst)")
    }

    @Test func badAudioIsNamed() {
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try Audio.wav(bytes); return "accepted" } catch { return "\(error)" }
        }
        #expect(message(Array("not audio at all".utf8)).contains("not a WAV file"))
        let good = Self.wav(tag: 1, channels: 1, rate: 16_000, bits: 16, frames: [[0.1], [0.2]])
        #expect(message(Array(good.prefix(30))).contains("truncated"))
        #expect(message(Self.wav(tag: 0x55, channels: 1, rate: 16_000, bits: 16, frames: [[0.1]])).contains("MP3"))
        #expect(message(Self.wav(tag: 1, channels: 1, rate: 16_000, bits: 12, frames: [])).contains("12-bit"))
        #expect(message(Self.wav(tag: 1, channels: 1, rate: 16_000, bits: 16, frames: [])).contains("no samples"))
    }
}

/// FLAC, MP3 and WAV codecs other than PCM and float, decoded through libsndfile and checked
/// against the WAV they were encoded from by Debian's own encoders (flac, lame).
@Suite struct CompressedAudioDecoding {
    /// One second of two tones and a sweep at 44.1 kHz, stereo (the channels' mean is the signal).
    static let signal: [Double] = (0..<44_100).map { n in
        let t = Double(n) / 44_100
        return 0.3 * sin(2 * .pi * 440 * t) + 0.15 * sin(2 * .pi * 1250 * t) + 0.1 * sin(2 * .pi * (200 + 900 * t) * t)
    }
    static let wav = WAVDecoding.wav(tag: 1, channels: 2, rate: 44_100, bits: 16, frames: signal.map { [$0 + 0.1, $0 - 0.1] })

    /// Runs a Debian encoder on the WAV and returns what it wrote.
    static func encode(_ tool: String, _ arguments: (_ input: String, _ output: String) -> [String]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("maas-codec-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.wav").path, output = directory.appendingPathComponent("out").path
        try Data(wav).write(to: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments(input, output)
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw AudioError("\(tool) is needed to encode the test clip (apt-get install \(tool))") }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw AudioError("\(tool) exited with \(process.terminationStatus)") }
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test func flacDecodesToExactlyItsWAV() throws {
        let flac = try Self.encode("flac") { ["--silent", "-f", "-o", $1, $0] }
        #expect(flac.prefix(4).elementsEqual("fLaC".utf8))
        let decoded = try Audio.decode(flac), reference = try Audio.wav(Self.wav)
        #expect(decoded.sampleRate == 44_100 && decoded.samples.count == reference.samples.count)
        let worst = zip(decoded.samples, reference.samples).map { Swift.abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-6, "FLAC is lossless, yet differs from its WAV by \(worst)")
    }

    @Test func mp3DecodesCloseToItsWAV() throws {
        let mp3 = try Self.encode("lame") { ["--quiet", "-b", "192", $0, $1] }
        let decoded = try Audio.decode(mp3)
        #expect(decoded.sampleRate == 44_100)
        // libmpg123 trims the encoder's delay and padding when LAME's header names them; allow a
        // frame of slack either way, then find the alignment and compare the waveforms.
        #expect(Swift.abs(decoded.samples.count - Self.signal.count) <= 1152, "\(decoded.samples.count) samples")
        var best = (offset: 0, correlation: -1.0)
        for offset in -1200...1200 {
            var dot = 0.0, decodedEnergy = 0.0, signalEnergy = 0.0
            for n in stride(from: 2000, to: 40_000, by: 3) where n + offset >= 0 && n + offset < decoded.samples.count {
                let d = Double(decoded.samples[n + offset]), x = Self.signal[n]
                dot += d * x
                decodedEnergy += d * d
                signalEnergy += x * x
            }
            let correlation = dot / max((decodedEnergy * signalEnergy).squareRoot(), 1e-12)
            if correlation > best.correlation { best = (offset, correlation) }
        }
        #expect(best.correlation > 0.995, "best alignment \(best.offset) samples, correlation \(best.correlation)")
        #expect(Swift.abs(best.offset) <= 1152)
        // A compressed file is decoded only up to the limit: it cannot expand without bound.
        #expect(throws: AudioError(String(format: "the audio lasts more than %.0f s; at most %.0f s are read per request", 0.0, 0.0))) {
            try Audio.decode(mp3, maxSeconds: 0.4)
        }
    }

    @Test func muLawWAVDecodesThroughLibsndfile() throws {
        let mono = Self.signal.prefix(8000).map { [$0] }
        let audio = try Audio.decode(WAVDecoding.wav(tag: 7, channels: 1, rate: 8000, bits: 8, frames: Array(mono)))
        #expect(audio.sampleRate == 8000 && audio.samples.count == 8000)
        let worst = zip(audio.samples, Self.signal).map { Swift.abs(Double($0) - $1) }.max() ?? 1
        #expect(worst < 0.02, "µ-law decoded \(worst) from the signal")
    }

    @Test func whatNoDecoderReadsIsNamed() {
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try Audio.decode(bytes); return "accepted" } catch { return "\(error)" }
        }
        #expect(message(Array("not audio at all, just some text".utf8)).contains("not audio SwiftMaaS can decode"))
        #expect(message(Array("fLaC".utf8) + [UInt8](repeating: 7, count: 64)).contains("not audio SwiftMaaS can decode"))
        // A WAV codec libsndfile does not read either keeps the WAV reader's reason.
        #expect(message(WAVDecoding.wav(tag: 0x1234, channels: 1, rate: 16_000, bits: 16, frames: [[0.1]])).contains("format tag 4660"))
    }
}

/// Concurrent transcriptions' decoder steps joined into one batched step: the same logits as
/// stepping each alone, and the same transcripts.
@Suite(.serialized) struct WhisperBatchedSteps {
    /// The first 30 s of log-mel features, zero-padded, as the encoder takes them.
    static func window(_ features: (values: [Float], frames: Int)) -> [Float] {
        var window = [Float](repeating: 0, count: 80 * 3000)
        for c in 0..<80 { for t in 0..<min(features.frames, 3000) { window[c * 3000 + t] = features.values[c * features.frames + t] } }
        return window
    }

    @Test func aBatchedStepGivesEachStateItsOwnLogits() throws {
        let transcriber = try WhisperAgreement.transcriber.get()
        let model = transcriber.model
        // Three different windows (silence, a tone, noise) and prompts of different lengths.
        let windows: [[Float]] = (0..<3).map { k in
            let samples = (0..<48_000).map { n -> Float in k == 0 ? 0 : k == 1 ? Float(sin(Double(n) * 0.07)) * 0.3 : Float((n * 7919 % 2003) - 1001) / 4000 }
            return Self.window(transcriber.frontEnd.features(samples))
        }
        let encoded = windows.map { model.encode($0) }
        let prompts: [[Int32]] = [[transcriber.tokenizer.startOfTranscript], [transcriber.tokenizer.startOfTranscript, 50363, 383],
                                  [transcriber.tokenizer.startOfTranscript, 50363, 383, 2068, 7586]]
        let alone = encoded.map { model.decoderState(encoded: $0) }, together = encoded.map { model.decoderState(encoded: $0) }
        for (k, prompt) in prompts.enumerated() {
            _ = model.prefill(prompt, state: alone[k], logitsAt: [])
            _ = model.prefill(prompt, state: together[k], logitsAt: [])
        }
        var worst: Float = 0
        for token: Int32 in [262, 16931, 13] {
            let single = alone.map { model.step(token, state: $0) }
            let batched = model.step(batch: together.map { (token, $0) })
            for (a, b) in zip(single, batched) { worst = max(worst, zip(a, b).map { Swift.abs($0 - $1) }.max()!) }
        }
        #expect(worst < 1e-3, "batched logits differ from single steps by up to \(worst)")
        #expect(zip(alone, together).allSatisfy { $0.length == $1.length })
    }

    @Test func threadsDecodingTogetherShareSteps() throws {
        let transcriber = try WhisperAgreement.transcriber.get()
        let model = transcriber.model
        let batcher = DecoderStepBatcher(model: model, gatherWindow: 5)
        let encoded = model.encode(Self.window(transcriber.frontEnd.features([Float](repeating: 0, count: 16_000))))
        let tokens: [Int32] = [383, 2068, 7586, 21831]
        // Three decodings registered before any steps: every batch holds all three.
        for _ in 0..<3 { batcher.beginDecoding() }
        let results = Locked([[Float]](repeating: [], count: 3))
        let states = (0..<3).map { _ in model.decoderState(encoded: encoded) }
        for state in states { _ = model.prefill([transcriber.tokenizer.startOfTranscript, 50363], state: state, logitsAt: []) }
        // Threads of their own, as the server's queue runs them (concurrentPerform would run
        // only as many at once as there are cores).
        let done = DispatchGroup()
        for k in 0..<3 {
            done.enter()
            Thread {
                var last: [Float] = []
                for token in tokens { last = batcher.step(token, state: states[k]) }
                results.withLock { $0[k] = last }
                done.leave()
            }.start()
        }
        done.wait()
        for _ in 0..<3 { batcher.endDecoding() }
        #expect(batcher.batches == tokens.count && batcher.rows == 3 * tokens.count, "\(batcher.batches) batches of \(batcher.rows) rows")
        let reference = model.decoderState(encoded: encoded)
        _ = model.prefill([transcriber.tokenizer.startOfTranscript, 50363], state: reference, logitsAt: [])
        var expected: [Float] = []
        for token in tokens { expected = model.step(token, state: reference) }
        for logits in results.withLock({ $0 }) { #expect(zip(logits, expected).map { Swift.abs($0 - $1) }.max()! < 1e-3) }
    }
}

/// A value behind a lock, for test threads.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
