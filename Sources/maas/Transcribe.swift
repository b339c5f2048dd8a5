import ArgumentParser
import Foundation
import LanguageModels

/// `maas transcribe --endpoint whisper talk.wav`: the audio API from the command line.
struct Transcribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe (or translate into English) audio files with a deployed speech endpoint (MAAS_URL, MAAS_API_KEY) or a local model.")

    @Option(help: "The deployed speech endpoint.") var endpoint: String?
    @Option(help: "Or a local CTranslate2 Whisper folder (model.bin, vocabulary.txt, config.json): no server.") var model: String?
    @Argument(help: "Audio files: WAV, or FLAC, MP3, Ogg or AIFF (any rate, any channels).") var files: [String]
    @Option(help: "json, text, srt, vtt or verbose_json.") var format = "text"
    @Option(help: "Language code of the speech (multilingual models; default: detected).") var language: String?
    @Flag(help: "Translate into English instead of transcribing.") var translate = false
    @Option(help: "Beams to search (1: greedy decoding, faster; 5: faster-whisper's default).") var beamSize = 1
    @Option(help: "With --model: float32 (exact, the default) or int8 (the output projection in 8-bit integer products, faster; as faster-whisper's compute_type).")
    var computeType = "float32"
    @Flag(help: "Time every word (verbose_json, or json with --model).") var words = false
    @Flag(help: "With --model and several files: decode them one after another instead of together with batched decoder steps.")
    var sequential = false

    func run() async throws {
        guard !files.isEmpty else { throw CommandFailure("name at least one audio file") }
        let audio = try files.map { file in
            guard let bytes = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            return bytes
        }
        if let model { return try transcribeLocally(model: model, audio: audio) }
        guard let endpoint else { throw CommandFailure("give --endpoint (a deployed speech endpoint) or --model (a local Whisper folder)") }
        for (file, audio) in zip(files, audio) { try await transcribeRemotely(endpoint: endpoint, file: file, audio: audio) }
    }

    func transcribeRemotely(endpoint: String, file: String, audio: Data) async throws {
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

    /// Loads the model here and prints each file's text (a line each, in the order given), with
    /// timings on standard error. Several files are transcribed at once, a thread each, their
    /// decoder steps batched as the server batches concurrent requests.
    func transcribeLocally(model: String, audio: [Data]) throws {
        guard format == "text" || format == "json" else { throw CommandFailure("--model prints text or json; use a served endpoint for \(format)") }
        let clock = ContinuousClock(), started = clock.now
        let transcriber: WhisperTranscriber
        guard let compute = WhisperModel.ComputeType(rawValue: computeType) else {
            throw CommandFailure("--compute-type must be one of \(WhisperModel.ComputeType.allCases.map(\.rawValue).joined(separator: ", ")); got '\(computeType)'")
        }
        do { transcriber = try WhisperTranscriber(directory: model, computeType: compute) } catch { throw CommandFailure("\(error)") }
        let loaded = clock.now
        var options = TranscriptionOptions()
        options.task = translate ? .translate : .transcribe
        options.language = language
        options.beamSize = beamSize
        options.wordTimestamps = words
        let decoded: [Audio]
        do { decoded = try audio.map { try Audio.decode([UInt8]($0)) } } catch { throw CommandFailure("\(error)") }
        let outcomes = TranscriptOutcomes(count: decoded.count)
        if decoded.count == 1 || sequential {
            for (i, audio) in decoded.enumerated() { outcomes.set(i, Result { try transcriber.transcribe(audio, options: options) }) }
        } else {
            options.batcher = DecoderStepBatcher(model: transcriber.model)
            let done = DispatchGroup()
            for (i, audio) in decoded.enumerated() {
                done.enter()
                let thread = Thread { [options] in
                    outcomes.set(i, Result { try transcriber.transcribe(audio, options: options) })
                    done.leave()
                }
                thread.stackSize = 8 << 20
                thread.start()
            }
            done.wait()
        }
        let finished = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        for (i, outcome) in outcomes.all.enumerated() {
            let transcript: Transcript
            do { transcript = try outcome.get() } catch { throw CommandFailure("\(files[i]): \(error)") }
            try printTranscript(transcript, loadSeconds: seconds(loaded - started), transcribeSeconds: seconds(finished - loaded))
        }
        let audioSeconds = decoded.reduce(0) { $0 + $1.seconds }
        var note = String(format: "load %.3f s, transcribe %.3f s for %.1f s of audio", seconds(loaded - started), seconds(finished - loaded), audioSeconds)
        if let batcher = options.batcher, batcher.batches > 0 {
            note += String(format: " (%d files at once, %.2f decodings per batched step)", decoded.count, Double(batcher.rows) / Double(batcher.batches))
        }
        FileHandle.standardError.write(Data((note + "\n").utf8))
    }

    func printTranscript(_ transcript: Transcript, loadSeconds: Double, transcribeSeconds: Double) throws {
        if format == "json" {
            let object: [String: Any] = ["text": transcript.text, "language": transcript.language, "duration": transcript.duration,
                                         "load_seconds": loadSeconds, "transcribe_seconds": transcribeSeconds,
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
    }
}

/// Each file's transcript or error, filled in by the threads transcribing them.
final class TranscriptOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var outcomes: [Result<Transcript, any Error>]
    init(count: Int) { outcomes = Array(repeating: .failure(CommandFailure("not transcribed")), count: count) }
    func set(_ index: Int, _ outcome: Result<Transcript, any Error>) { lock.withLock { outcomes[index] = outcome } }
    var all: [Result<Transcript, any Error>] { lock.withLock { outcomes } }
}
