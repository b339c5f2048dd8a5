import Foundation
import Platform
import Testing

/// Speech recognition as a service: a CTranslate2 Whisper folder registers as a speech model and
/// answers OpenAI's audio API in every response format, streamed or not, with usage, metrics and
/// named errors for audio it cannot use.
@Suite struct SpeechOverHTTP {
    /// A multipart/form-data body with text fields and one file.
    static func form(_ fields: [(String, String)], file: [UInt8]?, boundary: String = "maas-test-boundary") -> Data {
        var body = Data()
        for (name, value) in fields { body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8) }
        if let file {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"clip.wav\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
            body += Data(file)
            body += Data("\r\n".utf8)
        }
        return body + Data("--\(boundary)--\r\n".utf8)
    }

    /// espeak-ng speaking a sentence (22,050 Hz, 16-bit mono WAV).
    static func speak(_ sentence: String) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maas-speech-\(UUID()).wav").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try run("/usr/bin/espeak-ng", ["-v", "en-us", "-w", path, sentence])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The WAV as a 128 kb/s MP3, encoded by Debian's lame.
    static func mp3(_ wav: [UInt8]) throws -> [UInt8] {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("maas-speech-\(UUID()).wav").path, output = input + ".mp3"
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        try Data(wav).write(to: URL(fileURLWithPath: input))
        try run("/usr/bin/lame", ["--quiet", "-b", "128", input, output])
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
    }

    /// Runs a Debian tool to completion.
    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
    }

    /// A 16 kHz 16-bit mono WAV of `seconds` of silence.
    static func silence(seconds: Double) -> [UInt8] {
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let samples = Int(seconds * 16_000)
        let fmt = le(1, 2) + le(1, 2) + le(16_000, 4) + le(32_000, 4) + le(2, 2) + le(16, 2)
        let body = Array("WAVEfmt ".utf8) + le(16, 4) + fmt + Array("data".utf8) + le(samples * 2, 4) + [UInt8](repeating: 0, count: samples * 2)
        return Array("RIFF".utf8) + le(body.count, 4) + body
    }

    @Test func transcriptionsInEveryFormatStreamedUsageAndErrors() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("maas-speech-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let (server, adminKey) = try await RunningServer.start(dataDirectory: root, maximumAudioSeconds: 20)
        let admin = try #require(adminKey)
        let imported = try await server.request("POST", "/v1/models/whisper/versions", key: admin, body: "{\"path\": \"\(repositoryPath("models/whisper-tiny-en"))\"}")
        #expect(imported.status == 201 && imported.json["kind"] as? String == "speech_recognizer", "\(imported.json)")
        #expect(try await server.request("POST", "/v1/deployments", key: admin, body: #"{"name": "whisper", "model": "whisper@1"}"#).status == 201)
        let clip = try Self.speak("The quick brown fox jumps over the lazy dog.")
        func post(_ fields: [(String, String)], file: [UInt8]?, path: String = "/v1/audio/transcriptions") async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
            try await server.raw("POST", path, key: admin, body: Self.form(fields, file: file),
                                 headers: ["Content-Type": "multipart/form-data; boundary=maas-test-boundary"])
        }
        func json(_ data: Data) -> [String: Any] { (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:] }

        // The same words faster-whisper hears in this clip (Tests/LanguageModelTests/Fixtures/whisper_tiny_en.json).
        let expected = "The quick brown fox jump over the lazy nog."
        let plain = try await post([("model", "whisper")], file: clip)
        #expect(plain.status == 200 && json(plain.body)["text"] as? String == expected, "\(String(decoding: plain.body, as: UTF8.self))")
        #expect((json(plain.body)["usage"] as? [String: Any])?["seconds"] as? Int == 3)
        // The same clip as MP3, decoded through libsndfile: the same words.
        let mp3Clip = try await post([("model", "whisper")], file: try Self.mp3(clip))
        #expect(mp3Clip.status == 200 && json(mp3Clip.body)["text"] as? String == expected, "\(String(decoding: mp3Clip.body, as: UTF8.self))")
        let verbose = json(try await post([("model", "whisper"), ("response_format", "verbose_json"), ("timestamp_granularities[]", "segment")], file: clip).body)
        let segments = verbose["segments"] as? [[String: Any]] ?? []
        #expect(verbose["language"] as? String == "english" && verbose["task"] as? String == "transcribe" && segments.count == 1, "\(verbose)")
        #expect(segments.first?["start"] as? Double == 0 && segments.first?["end"] as? Double == 3 && (segments.first?["tokens"] as? [Int])?.first == 50363)
        for key in ["avg_logprob", "compression_ratio", "no_speech_prob", "temperature", "seek"] { #expect(segments.first?[key] != nil, "\(key)") }
        #expect(verbose["words"] == nil, "words only when asked for")
        // Word timestamps, as faster-whisper times these words (Fixtures/whisper_tiny_en.json).
        let timed = json(try await post([("model", "whisper"), ("response_format", "verbose_json"), ("timestamp_granularities[]", "word"),
                                         ("timestamp_granularities[]", "segment")], file: clip).body)
        let words = timed["words"] as? [[String: Any]] ?? []
        #expect(words.map { $0["word"] as? String ?? "" } == ["The", "quick", "brown", "fox", "jump", "over", "the", "lazy", "nog."], "\(timed)")
        #expect(words.first?["start"] as? Double == 0 && words.last?["end"] as? Double == 2.64 && (words.first?["probability"] as? Double ?? 0) > 0.5)
        #expect((timed["segments"] as? [[String: Any]])?.first?["end"] as? Double == 2.64, "the segment ends with its last word")
        let text = try await post([("model", "whisper"), ("response_format", "text")], file: clip)
        #expect(String(decoding: text.body, as: UTF8.self) == expected + "\n")
        let srt = String(decoding: try await post([("model", "whisper"), ("response_format", "srt")], file: clip).body, as: UTF8.self)
        #expect(srt == "1\n00:00:00,000 --> 00:00:03,000\n\(expected)\n", "\(srt)")
        let vtt = String(decoding: try await post([("model", "whisper"), ("response_format", "vtt")], file: clip).body, as: UTF8.self)
        #expect(vtt == "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\n\(expected)\n", "\(vtt)")
        // Streamed: a delta per segment, then the whole text with the usage.
        let streamed = try await post([("model", "whisper"), ("stream", "true")], file: clip)
        let events = String(decoding: streamed.body, as: UTF8.self).components(separatedBy: "\n\n").filter { $0.hasPrefix("data: {") }
            .map { json(Data($0.dropFirst(6).utf8)) }
        #expect(events.map { $0["type"] as? String } == ["transcript.text.delta", "transcript.text.done"], "\(events)")
        #expect(events.last?["text"] as? String == expected)
        // Five beams hear this clip differently (as faster-whisper's beam search does).
        let beamed = try await post([("model", "whisper"), ("beam_size", "5")], file: clip)
        #expect(json(beamed.body)["text"] as? String == "The quick roundfark stump over the lazy nog.", "\(String(decoding: beamed.body, as: UTF8.self))")
        // Concurrent requests decode together (their steps batched) and each hears its own clip.
        let other = try Self.speak("Please deploy version three of the fraud model to production tomorrow morning.")
        async let first = post([("model", "whisper")], file: clip)
        async let second = post([("model", "whisper")], file: other)
        async let third = post([("model", "whisper")], file: clip)
        let concurrent = try await [first, second, third].map { json($0.body)["text"] as? String }
        #expect(concurrent == [expected, "Please deploy version 3 on the Frog Model to production tomorrow morning.", expected], "\(concurrent)")
        // Silence is an empty transcript, not an error or a hallucination.
        let quiet = try await post([("model", "whisper")], file: Self.silence(seconds: 3))
        #expect(quiet.status == 200 && json(quiet.body)["text"] as? String == "", "\(String(decoding: quiet.body, as: UTF8.self))")

        // Bad input names the problem.
        let truncated = Array(clip.prefix(5000))
        var mp3 = Self.silence(seconds: 1)
        mp3[20] = 0x55  // format tag: MP3
        let cases: [([(String, String)], [UInt8]?, Int, String)] = [
            ([("model", "whisper")], Array("not audio at all".utf8), 400, "not audio SwiftMaaS can decode"),
            ([("model", "whisper")], truncated, 400, "truncated WAV"),
            ([("model", "whisper")], mp3, 400, "MP3"),
            ([("model", "whisper")], Self.silence(seconds: 21), 400, "at most 20 s"),
            ([("model", "whisper")], nil, 400, "file"),
            ([], clip, 400, "model"),
            ([("model", "whisper"), ("response_format", "xml")], clip, 400, "response_format"),
            ([("model", "whisper"), ("language", "de")], clip, 400, "English-only"),
            ([("model", "whisper"), ("timestamp_granularities[]", "letter"), ("response_format", "verbose_json")], clip, 400, "segment or word"),
            ([("model", "whisper"), ("temperature", "3")], clip, 400, "temperature"),
            ([("model", "whisper"), ("beam_size", "0")], clip, 400, "beam_size"),
            ([("model", "whisper"), ("colour", "red")], clip, 400, "colour"),
            ([("model", "nope")], clip, 404, "nope"),
        ]
        for (fields, file, status, words) in cases {
            let answer = try await post(fields, file: file)
            #expect(answer.status == status && String(decoding: answer.body, as: UTF8.self).contains(words), "\(fields): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        let translation = try await post([("model", "whisper")], file: clip, path: "/v1/audio/translations")
        #expect(translation.status == 400 && String(decoding: translation.body, as: UTF8.self).contains("multilingual"))
        let notForm = try await server.raw("POST", "/v1/audio/transcriptions", key: admin, body: Data("{}".utf8), headers: ["Content-Type": "application/json"])
        #expect(notForm.status == 400 && String(decoding: notForm.body, as: UTF8.self).contains("multipart/form-data"))
        // Prediction routes point to the audio API; audio seconds are metered.
        let predicted = try await server.request("POST", "/v1/models/whisper:predict", key: admin, body: #"{"instances": [[1, 2]]}"#)
        #expect(predicted.status == 400 && "\(predicted.json)".contains("/v1/audio/transcriptions"))
        let metrics = String(decoding: try await server.raw("GET", "/metrics", key: admin).body, as: UTF8.self)
        #expect(metrics.contains("maas_audio_seconds_total{project=\"default\",endpoint=\"whisper\",version=\"1\"} 41"), "audio seconds: 12 answered requests of 3 s, one of 5 s")
        #expect(metrics.contains("maas_transcription_real_time_factor_count"))
        // The usage store keeps the audio seconds themselves beside the rounded-up rows.
        let usage = try await server.request("GET", "/v1/usage", key: admin)
        let total = usage.json["total"] as? [String: Any] ?? [:]
        let audioSeconds = total["audio_seconds"] as? Double ?? 0
        #expect(audioSeconds > 41 - 13 && audioSeconds <= 41, "\(total)")
        await server.stop()
    }
}
