/// A chat model's prompt format: how a conversation becomes the text the model continues.
///
/// GGUF files carry their format as a Jinja template (`tokenizer.chat_template`). Like llama.cpp
/// (llama-chat.cpp), SwiftMaaS does not run Jinja: it recognises the family of the template by
/// its marker strings and renders that family's format in code. The families, their detection
/// order and their renderings follow llama.cpp's built-in templates; the fixture
/// (scripts/make_chat_template_fixtures.py) holds llama.cpp's own renderings, which the tests
/// compare byte for byte.
public enum ChatTemplate: String, CaseIterable, Sendable {
    case chatml
    case llama2, llama2System = "llama2-sys", llama2SystemBOS = "llama2-sys-bos", llama2SystemStrip = "llama2-sys-strip"
    case llama3
    case mistralV1 = "mistral-v1", mistralV3 = "mistral-v3", mistralV3Tekken = "mistral-v3-tekken", mistralV7 = "mistral-v7"
    case gemma, phi3, phi4, zephyr, falcon3, vicuna, vicunaOrca = "vicuna-orca"
    case deepseek, deepseek2, deepseek3, commandR = "command-r", openchat, granite, monarch, orion

    /// The family of a model's Jinja template, or of a built-in template's name ("llama3").
    /// Nil for a template this build cannot render (including families llama.cpp knows that
    /// SwiftMaaS does not implement, such as ChatGLM), so the caller can say so.
    public init?(jinja source: String) {
        if let named = ChatTemplate(rawValue: source) {
            self = named
            return
        }
        func has(_ marker: String) -> Bool { source.contains(marker) }
        let detected: ChatTemplate?
        if has("<|im_start|>") {
            detected = has("<|im_sep|>") ? .phi4 : has("<end_of_utterance>") ? nil : .chatml  // the latter is SmolVLM's
        } else if source.hasPrefix("mistral") || has("[INST]") {
            if has("[SYSTEM_PROMPT]") {
                detected = .mistralV7
            } else if has("' [INST] ' + system_message") || has("[AVAILABLE_TOOLS]") {  // Mistral's official templates
                detected = has(" [INST]") ? .mistralV1 : has("\"[INST]\"") ? .mistralV3Tekken : .mistralV3
            } else if has("content.strip()") {
                detected = .llama2SystemStrip
            } else if has("bos_token + '[INST]") {
                detected = .llama2SystemBOS
            } else {
                detected = has("<<SYS>>") ? .llama2System : .llama2
            }
        } else if has("<|assistant|>") && has("<|end|>") {
            detected = .phi3
        } else if has("[gMASK]<sop>") {
            detected = nil  // ChatGLM 4
        } else if has("<|assistant|>") && has("<|user|>") {
            detected = has("</s>") ? .falcon3 : nil  // else GLM-Edge
        } else if has("<|{{ item['role'] }}|>") && has("<|begin_of_image|>") {
            detected = nil  // GLM-Edge
        } else if has("<|user|>") && has("<|endoftext|>") {
            detected = .zephyr
        } else if has("bos_token + message['role']") {
            detected = .monarch
        } else if has("<start_of_turn>") {
            detected = .gemma
        } else if has("'\\n\\nAssistant: ' + eos_token") {
            detected = .orion
        } else if has("GPT4 Correct ") {
            detected = .openchat
        } else if has("USER: ") && has("ASSISTANT: ") {
            detected = has("SYSTEM: ") ? .vicunaOrca : .vicuna
        } else if has("### Instruction:") && has("<|EOT|>") {
            detected = .deepseek
        } else if has("<|START_OF_TURN_TOKEN|>") && has("<|USER_TOKEN|>") {
            detected = .commandR
        } else if has("<|start_header_id|>") && has("<|end_header_id|>") {
            detected = .llama3
        } else if has("[gMASK]sop") || has("<用户>") {
            detected = nil  // ChatGLM 3, MiniCPM
        } else if has("'Assistant: ' + message['content'] + eos_token") {
            detected = .deepseek2
        } else if has("<｜Assistant｜>") && has("<｜User｜>") && has("<｜end▁of▁sentence｜>") {
            detected = .deepseek3
        } else if (has("[|system|]") && has("[|assistant|]") && has("[|endofturn|]"))
                    || has("rwkv-world") || has("{{- 'User: ' + message['content']|trim + '\\n\\n' -}}") {
            detected = nil  // EXAONE, RWKV World
        } else if has("<|start_of_role|>") {
            detected = .granite
        } else {
            detected = nil
        }
        guard let detected else { return nil }
        self = detected
    }

    /// The prompt for `messages` (roles "system", "user", "assistant"), ending with the opening
    /// of the assistant's turn where the format has one.
    public func render(_ messages: [(role: String, content: String)]) -> String {
        var out = ""
        switch self {
        case .chatml:
            for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
            out += "<|im_start|>assistant\n"
        case .phi4:
            for m in messages { out += "<|im_start|>\(m.role)<|im_sep|>\(m.content)<|im_end|>" }
            out += "<|im_start|>assistant<|im_sep|>"
        case .llama2, .llama2System, .llama2SystemBOS, .llama2SystemStrip:
            // The first [INST] opens without BOS (the tokenizer adds it); later turns reopen.
            var insideTurn = true
            out += "[INST] "
            for m in messages {
                let content = self == .llama2SystemStrip ? Self.trimmed(m.content) : m.content
                if !insideTurn {
                    insideTurn = true
                    out += self == .llama2SystemBOS ? "<s>[INST] " : "[INST] "
                }
                switch m.role {
                case "system": out += self == .llama2 ? content + "\n" : "<<SYS>>\n\(content)\n<</SYS>>\n\n"
                case "user": out += content + " [/INST]"
                default:
                    out += content + "</s>"
                    insideTurn = false
                }
            }
        case .mistralV1, .mistralV3, .mistralV3Tekken:
            let leading = self == .mistralV1 ? " " : "", trailing = self == .mistralV3Tekken ? "" : " "
            var insideTurn = false
            for m in messages {
                if !insideTurn {
                    out += leading + "[INST]" + trailing
                    insideTurn = true
                }
                switch m.role {
                case "system": out += m.content + "\n\n"
                case "user": out += m.content + leading + "[/INST]"
                default:
                    out += trailing + (self == .mistralV3 ? Self.trimmed(m.content) : m.content) + "</s>"
                    insideTurn = false
                }
            }
        case .mistralV7:
            for m in messages {
                switch m.role {
                case "system": out += "[SYSTEM_PROMPT] \(m.content)[/SYSTEM_PROMPT]"
                case "user": out += "[INST] \(m.content)[/INST]"
                default: out += " \(m.content)</s>"
                }
            }
        case .llama3:
            for m in messages { out += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(Self.trimmed(m.content))<|eot_id|>" }
            out += "<|start_header_id|>assistant<|end_header_id|>\n\n"
        case .gemma:
            // No system turn: the system text opens the next user turn.
            var system = ""
            for m in messages {
                if m.role == "system" {
                    system += Self.trimmed(m.content)
                    continue
                }
                let role = m.role == "assistant" ? "model" : m.role
                out += "<start_of_turn>\(role)\n"
                if !system.isEmpty && role != "model" {
                    out += system + "\n\n"
                    system = ""
                }
                out += Self.trimmed(m.content) + "<end_of_turn>\n"
            }
            out += "<start_of_turn>model\n"
        case .phi3:
            for m in messages { out += "<|\(m.role)|>\n\(m.content)<|end|>\n" }
            out += "<|assistant|>\n"
        case .zephyr:
            for m in messages { out += "<|\(m.role)|>\n\(m.content)<|endoftext|>\n" }
            out += "<|assistant|>\n"
        case .falcon3:
            for m in messages { out += "<|\(m.role)|>\n\(m.content)\n" }
            out += "<|assistant|>\n"
        case .monarch:
            for (i, m) in messages.enumerated() { out += (i == 0 ? "" : "<s>") + "\(m.role)\n\(m.content)</s>\n" }
            out += "<s>assistant\n"
        case .orion:
            var system = ""
            for m in messages {
                switch m.role {
                case "system": system += m.content
                case "user":
                    out += "Human: " + (system.isEmpty ? "" : system + "\n\n") + m.content + "\n\nAssistant: </s>"
                    system = ""
                default: out += m.content + "</s>"
                }
            }
        case .openchat:
            for m in messages {
                out += m.role == "system" ? m.content : "GPT4 Correct \(m.role.prefix(1).uppercased() + m.role.dropFirst()): \(m.content)"
                out += "<|end_of_turn|>"
            }
            out += "GPT4 Correct Assistant:"
        case .vicuna, .vicunaOrca:
            return Self.wrapping(messages, system: self == .vicunaOrca ? ("SYSTEM: ", "\n") : ("", "\n\n"),
                                 user: ("USER: ", "\n"), assistant: ("ASSISTANT: ", "</s>\n"), then: "ASSISTANT:")
        case .deepseek:
            return Self.wrapping(messages, system: ("", ""), user: ("### Instruction:\n", "\n"),
                                 assistant: ("### Response:\n", "\n<|EOT|>\n"), then: "### Response:\n")
        case .deepseek2:
            return Self.wrapping(messages, system: ("", "\n\n"), user: ("User: ", "\n\n"),
                                 assistant: ("Assistant: ", "<｜end▁of▁sentence｜>"), then: "Assistant:")
        case .deepseek3:
            return Self.wrapping(messages, system: ("", "\n\n"), user: ("<｜User｜>", ""),
                                 assistant: ("<｜Assistant｜>", "<｜end▁of▁sentence｜>"), then: "<｜Assistant｜>")
        case .commandR:
            return Self.wrapping(messages, system: ("<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>", "<|END_OF_TURN_TOKEN|>"),
                                 user: ("<|START_OF_TURN_TOKEN|><|USER_TOKEN|>", "<|END_OF_TURN_TOKEN|>"),
                                 assistant: ("<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", "<|END_OF_TURN_TOKEN|>"),
                                 then: "<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>", trimming: true)
        case .granite:
            for m in messages { out += "<|start_of_role|>\(m.role)<|end_of_role|>\(m.content)<|end_of_text|>\n" }
            out += "<|start_of_role|>assistant<|end_of_role|>"
        }
        return out
    }

    /// Formats that put each role's content between fixed strings, leave other roles out, and
    /// end with `generation`, the opening of the assistant's turn.
    private static func wrapping(_ messages: [(role: String, content: String)], system: (String, String), user: (String, String),
                                 assistant: (String, String), then generation: String, trimming: Bool = false) -> String {
        let parts = ["system": system, "user": user, "assistant": assistant]
        var out = ""
        for m in messages {
            guard let (before, after) = parts[m.role] else { continue }
            out += before + (trimming ? trimmed(m.content) : m.content) + after
        }
        return out + generation
    }

    /// The text without leading and trailing ASCII white space (C's `isspace`, as llama.cpp trims).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || ("\t"..."\r").contains(s) }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }), let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}
