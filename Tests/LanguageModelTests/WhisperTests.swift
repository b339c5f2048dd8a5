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
    struct Clip: Decodable {
        let sentence: String, wav_sha256: String, source_rate: Int, samples: Int, audio_head: [Float]
        let features: Features, encoder: Encoder, segments: [Segment], text: String, prompted: Prompted?, beam5: [Segment]
    }
    struct Fixture: Decodable { let clips: [Clip]; let synthetic: Features }

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
