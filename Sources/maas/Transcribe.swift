import ArgumentParser
import Foundation

/// `maas transcribe --endpoint whisper talk.wav`: the audio API from the command line.
struct Transcribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe (or translate into English) a WAV file with a deployed speech endpoint (MAAS_URL, MAAS_API_KEY).")

    @Option(help: "The deployed speech endpoint.") var endpoint: String
    @Argument(help: "A WAV file (PCM 8-32 bit or float, any rate, mono or stereo).") var file: String
    @Option(help: "json, text, srt, vtt or verbose_json.") var format = "text"
    @Option(help: "Language code of the speech (multilingual models; default: detected).") var language: String?
    @Flag(help: "Translate into English instead of transcribing.") var translate = false

    func run() async throws {
        guard let audio = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let boundary = "maas-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, _ value: String) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        field("model", endpoint)
        field("response_format", format)
        if let language { field("language", language) }
        let name = URL(fileURLWithPath: file).lastPathComponent.replacingOccurrences(of: "\"", with: "")
        body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: audio/wav\r\n\r\n".utf8)
        body += audio
        body += Data("\r\n--\(boundary)--\r\n".utf8)
        let path = translate ? "/v1/audio/translations" : "/v1/audio/transcriptions"
        let answer = try await APIClient.fromEnvironment().send("POST", path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        FileHandle.standardOutput.write(answer)
        if answer.last != UInt8(ascii: "\n") { FileHandle.standardOutput.write(Data("\n".utf8)) }
    }
}
