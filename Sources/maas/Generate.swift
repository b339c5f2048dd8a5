import ArgumentParser
import Foundation
import LanguageModels

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Generate text with a GGUF language model locally (prints tokens/s on stderr).")

    @Option(help: "A GGUF file (Llama architecture).") var model = "models/smollm2-135m-instruct-q4_1.gguf"
    @Option(help: "The prompt.") var prompt: String
    @Flag(help: "Wrap the prompt as a user message in the model's chat template.") var chat = false
    @Option var maxTokens = 64
    @Option(help: "0 is greedy.") var temperature: Float = 0
    @Option var topP: Float = 1
    @Option var seed: UInt64?
    @Flag(help: "Print the prompt's token ids and exit.") var tokens = false

    func run() throws {
        let llm = try LlamaModel(path: model)
        let text = chat ? llm.chatPrompt([("user", prompt)]) : prompt
        let ids = llm.promptTokens(text)
        if tokens { print(ids.map(String.init).joined(separator: " ")); return }
        var options = SamplingOptions()
        options.maxTokens = maxTokens
        options.temperature = temperature
        options.topP = topP
        options.seed = seed
        let session = LlamaModel.Session(model: llm, capacity: ids.count + maxTokens + 1)
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try llm.generate(prompt: ids, options: options, session: session) { piece in
            FileHandle.standardOutput.write(Data(piece.utf8))
            return true
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("")
        FileHandle.standardError.write(Data(String(format: "%d prompt + %d generated tokens in %.2f s (%@)\n", ids.count, result.tokens.count,
                                                   seconds, result.finish.rawValue).utf8))
    }
}
