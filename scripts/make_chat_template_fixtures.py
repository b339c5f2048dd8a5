#!/usr/bin/env python3
"""Chat prompts rendered by llama.cpp's own template code, the reference for SwiftMaaS's chat
templates (Tests/LanguageModelTests/Fixtures/chat_templates.json). Run by hand:

    pip install llama-cpp-python   # built from source; bench/llm/run.sh installs it
    python3 scripts/make_chat_template_fixtures.py

llama.cpp's `llama_chat_apply_template` takes either a built-in template's name or a model's Jinja
template, which it recognises by marker strings. The fixture records, for each conversation:
- "named": the rendering of each built-in template SwiftMaaS implements, by name;
- "detected": the rendering of Jinja sources (real ones shipped with llama-cpp-python, plus short
  sources with one family's markers), so that recognising a template is checked as well.
A null rendering means llama.cpp refuses that conversation for that template.
It also records SmolLM2's own Jinja template rendered by jinja2, as transformers renders it
("smollm2_jinja"): that one inserts a default system message, which llama.cpp's ChatML leaves out.
"""
import ctypes
import json
import os

import gguf
import jinja2
import llama_cpp
from llama_cpp import llama_chat_format as formats

NAMES = ["chatml", "llama2", "llama2-sys", "llama2-sys-bos", "llama2-sys-strip", "llama3",
         "mistral-v1", "mistral-v3", "mistral-v3-tekken", "mistral-v7", "gemma", "phi3", "phi4",
         "zephyr", "falcon3", "vicuna", "vicuna-orca", "deepseek", "deepseek2", "deepseek3",
         "command-r", "openchat", "granite", "monarch", "orion"]

CONVERSATIONS = [
    [["system", "You are a helpful assistant."], ["user", "Hello!"], ["assistant", "Hi there."],
     ["user", "What is 2+2?"]],
    [["user", "Tell me a joke."]],
    [["user", "  Spaces around  "], ["assistant", " Sure. "], ["user", "Ünïcödé 🙂 and\nnew lines"]],
]

# Real Jinja templates shipped in llama-cpp-python, then short sources with one family's markers.
SOURCES = [formats.CHATML_CHAT_TEMPLATE, formats.MISTRAL_INSTRUCT_CHAT_TEMPLATE,
           formats.MIXTRAL_INSTRUCT_CHAT_TEMPLATE, formats.LLAMA3_INSTRUCT_CHAT_TEMPLATE,
           "{{ '<|im_start|>' }}{{ '<|im_sep|>' }}",
           "{{ '[INST]' }}{{ '[SYSTEM_PROMPT]' }}",
           "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{{ '<<SYS>>' }}",
           "{{ '[INST] ' + content + ' [/INST]' }}",
           "{{ '<|user|>' }}{{ '<|assistant|>' }}{{ '<|end|>' }}",
           "{{ '<|user|>' }}{{ '<|assistant|>' }}{{ '</s>' }}",
           "{{ '<|user|>' }}{{ '<|endoftext|>' }}",
           "{{ '<start_of_turn>' }}",
           "{{ 'GPT4 Correct ' }}",
           "{{ 'USER: ' }}{{ 'ASSISTANT: ' }}",
           "{{ '### Instruction:' }}{{ '<|EOT|>' }}",
           "{{ '<|START_OF_TURN_TOKEN|>' }}{{ '<|USER_TOKEN|>' }}",
           "{{ 'Assistant: ' + message['content'] + eos_token }}",
           "{{ '<｜User｜>' }}{{ '<｜Assistant｜>' }}{{ '<｜end▁of▁sentence｜>' }}",
           "{{ '<|start_of_role|>' }}",
           "{{ bos_token + message['role'] }}"]


def apply(template, conversation):
    messages = (llama_cpp.llama_chat_message * len(conversation))(
        *[llama_cpp.llama_chat_message(role.encode(), content.encode()) for role, content in conversation])
    size = 1 << 16
    buffer = ctypes.create_string_buffer(size)
    written = llama_cpp.llama_chat_apply_template(template.encode(), messages, len(conversation), True, buffer, size)
    return buffer.raw[:written].decode() if written >= 0 else None


def smollm2_jinja():
    """SmolLM2's template from its GGUF, rendered with jinja2 like transformers' apply_chat_template."""
    path = os.path.join(os.path.dirname(__file__), "..", "models", "smollm2-135m-instruct-q4_1.gguf")
    field = gguf.GGUFReader(path).fields["tokenizer.chat_template"]
    source = bytes(field.parts[field.data[0]]).decode()
    template = jinja2.Environment().from_string(source)
    renderings = [template.render(messages=[{"role": r, "content": c} for r, c in conversation], add_generation_prompt=True)
                  for conversation in CONVERSATIONS]
    return source, renderings


def main():
    smollm2_source, smollm2_renderings = smollm2_jinja()
    named = {name: [apply(name, c) for c in CONVERSATIONS] for name in NAMES}
    detected = [{"template": source, "renderings": [apply(source, c) for c in CONVERSATIONS]}
                for source in [smollm2_source] + SOURCES]
    fixture = {"llama_cpp_python": llama_cpp.__version__, "conversations": CONVERSATIONS,
               "named": named, "detected": detected, "smollm2_jinja": smollm2_renderings}
    path = os.path.join(os.path.dirname(__file__), "..", "Tests", "LanguageModelTests", "Fixtures",
                        "chat_templates.json")
    with open(path, "w") as out:
        json.dump(fixture, out, indent=1, ensure_ascii=False)
        out.write("\n")
    print(f"wrote {path}: {len(named)} named templates, {len(detected)} sources")


if __name__ == "__main__":
    main()
