import Foundation
import LanguageModels
import Testing

/// Chat prompt formats against llama.cpp's own renderings (scripts/make_chat_template_fixtures.py).
struct ChatTemplatesMatchLlamaCpp {
    struct Fixture: Decodable {
        struct Detected: Decodable { var template: String; var renderings: [String?] }
        var conversations: [[[String]]]
        var named: [String: [String?]]
        var detected: [Detected]
        var smollm2_jinja: [String]

        var messages: [[(role: String, content: String)]] {
            conversations.map { $0.map { (role: $0[0], content: $0[1]) } }
        }
    }

    static func fixture() throws -> Fixture {
        let url = try #require(Bundle.module.url(forResource: "chat_templates", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }

    @Test func everyFormatRendersAsLlamaCppDoes() throws {
        let fixture = try Self.fixture()
        #expect(Set(fixture.named.keys) == Set(ChatTemplate.allCases.map(\.rawValue)), "the fixture covers every format")
        for (name, renderings) in fixture.named {
            let template = try #require(ChatTemplate(rawValue: name))
            for (messages, expected) in zip(fixture.messages, renderings) {
                guard let expected else { continue }
                #expect(template.render(messages) == expected, "\(name)")
            }
        }
    }

    @Test func modelTemplatesAreRecognisedByTheirMarkers() throws {
        let fixture = try Self.fixture()
        for source in fixture.detected {
            let template = try #require(ChatTemplate(jinja: source.template), "\(source.template)")
            for (messages, expected) in zip(fixture.messages, source.renderings) {
                guard let expected else { continue }
                #expect(template.render(messages) == expected, "\(template.rawValue) from \(source.template)")
            }
        }
    }

    @Test func familiesThisBuildDoesNotRenderAreNotMistakenForOthers() {
        // ChatGLM 4 and GLM-Edge would otherwise fall through to later families' markers.
        #expect(ChatTemplate(jinja: "[gMASK]<sop>{{ '<|user|>' }}{{ '<|assistant|>' }}") == nil)
        #expect(ChatTemplate(jinja: "{{ '<|user|>' }}{{ '<|assistant|>' }}") == nil)
        #expect(ChatTemplate(jinja: "{{ '<|im_start|>' }}{{ '<end_of_utterance>' }}") == nil)
        #expect(ChatTemplate(jinja: "{{ message['content'] }}") == nil)
        #expect(ChatTemplate(jinja: "llama3") == .llama3, "a built-in format's name selects it")
    }

    @Test func smolLM2PromptsMatchItsJinjaTemplate() throws {
        let model = try #require(SmolLM2AgreesWithLlamaCpp.model)
        let fixture = try Self.fixture()
        #expect(model.chatFormat == .chatml && model.chatTemplateRecognised)
        for (messages, expected) in zip(fixture.messages, fixture.smollm2_jinja) {
            #expect(model.chatPrompt(messages) == expected)
        }
    }
}
