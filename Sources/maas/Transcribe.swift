import ArgumentParser
import Foundation
import LanguageModels

/// `maas transcribe --endpoint whisper talk.wav`: the audio API from the command line.
struct Transcribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe (or translate into English) an audio file with a deployed speech endpoint (MAAS_URL, MAAS_API_KEY).")

    @Option(help: "The deployed speech endpoint.") var endpoint: String?
    @Option(help: "Or a local CTranslate2 Whisper folder (model.bin, vocabulary.txt, config.json): no server.") var model: String?
    @Argument(help: "An audio file: WAV, or FLAC, MP3, Ogg or AIFF (any rate, any channels).") var file: String
    @Option(help: "json, text, srt, vtt or verbose_json.") var format = "text"
    @Option(help: "Language code of the speech (multilingual models; default: detected).") var language: String?
    @Flag(help: "Translate into English instead of transcribing.") var translate = false
    @Option(help: "Beams to search (1: greedy decoding, faster; 5: faster-whisper's default).") var beamSize = 1
    @Flag(help: "Time every word (verbose_json, or json with --model).") var words = false

    func run() async throws {
        guard let audio = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        if let model { return try transcribeLocally(model: model, audio: audio) }
        guard let endpoint else { throw CommandFailure("give --endpoint (a deployed speech endpoint) or --model (a local Whisper folder)") }
        let boundary = "maas-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, _ value: String) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("model", endpoint)
        field("response_format", format)
        field("beam_size", String(beamSize))
        if let language { field("language", language) }
        if words {
            guard format == "verbose_json" else { throw CommandFailure("--words needs --format verbose_json") }
            field("timestamp_granularities[]", "segment")
            field("timestamp_granularities[]", "word")
        }
        let name = URL(fileURLWithPath: file).lastPathComponent.replacingOccurrences(of: "\"", with: "")
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
        body += audio
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let path = translate ? "/v1/audio/translations" : "/v1/audio/transcriptions"
        let answer = try await APIClient.fromEnvironment().send("POST", path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        FileHandle.standardOutput.write(answer)
        if answer.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }

    /// Loads the model here and prints the text, with timings on standard error.
    func transcribeLocally(model: String, audio: Data) throws {
        guard format == "text" || format == "json" else { throw CommandFailure("--model prints text or json; use a served endpoint for \(format)") }
        let clock = ContinuousClock(), started = clock.now
        let transcriber: WhisperTranscriber
        do { transcriber = try WhisperTranscriber(directory: model) } catch { throw CommandFailure("\(error)") }
        let loaded = clock.now
        var options = TranscriptionOptions()
        options.task = translate ? .translate : .transcribe
        options.language = language
        options.beamSize = beamSize
        options.wordTimestamps = words
        let transcript: Transcript
        do { transcript = try transcriber.transcribe(try Audio.decode([UInt8](audio)), options: options) } catch { throw CommandFailure("\(error)") }
        let done = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        if format == "json" {
            let object: [String: Any] = ["text": transcript.text, "language": transcript.language, "duration": transcript.duration,
                                         "load_seconds": seconds(loaded - started), "transcribe_seconds": seconds(done - loaded),
                                         "segments": transcript.segments.map { segment -> [String: Any] in
                                             var entry: [String: Any] = ["start": segment.start, "end": segment.end, "text": segment.text]
                                             if let words = segment.words {
                                                 entry["words"] = words.map { ["word": $0.word, "start": $0.start, "end": $0.end, "probability": $0.probability.isFinite ? $0.probability : 0] }
                                             }
                                             return entry
                                         }]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print(transcript.text)
        }
        FileHandle.standardError.write(Data(String(format: "load %.3f s, transcribe %.3f s for %.1f s of audio\n", seconds(loaded - started), seconds(done - loaded), transcript.duration).utf8))
    }
}
