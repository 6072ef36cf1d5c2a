package dev.r1.engines.standins;

/**
 * Recorded provider exchanges in the providers' own wire formats: an agent asked to add a
 * greeting file reads the README, writes {@code hello.txt}, edits the README and answers. Every
 * stand-in replays one of these; tests check the TOOL_CALLs the executor records against them.
 */
public final class Recorded {
    private Recorded() {}

    /** OpenAI chat completions: two rounds of tool calls, then the final answer. */
    public static final String OPENAI_1 = """
            {"id":"chatcmpl-AbC1","object":"chat.completion","created":1731000000,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"I will look at the README first.",
               "tool_calls":[{"id":"call_read1","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"README.md\\",\\"offset\\":0,\\"limit\\":5}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":1200,"completion_tokens":40,"total_tokens":1240},"system_fingerprint":"fp_1"}""";
    public static final String OPENAI_2 = """
            {"id":"chatcmpl-AbC2","object":"chat.completion","created":1731000001,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":null,
               "tool_calls":[{"id":"call_write1","type":"function","function":{"name":"write_file","arguments":"{\\"path\\":\\"hello.txt\\",\\"content\\":\\"hello, world\\\\n\\"}"}},
                             {"id":"call_edit1","type":"function","function":{"name":"edit_file","arguments":"{\\"path\\":\\"README.md\\",\\"old\\":\\"Hello from main.\\",\\"new\\":\\"Hello from R1.\\"}"}}]},
               "logprobs":null,"finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":1300,"completion_tokens":60,"total_tokens":1360}}""";
    public static final String OPENAI_3 = """
            {"id":"chatcmpl-AbC3","object":"chat.completion","created":1731000002,"model":"gpt-4o-2024-08-06",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Added hello.txt and updated the README greeting."},
               "logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1400,"completion_tokens":12,"total_tokens":1412}}""";

    /** Anthropic Messages: the same work with tool_use blocks, then the final answer. */
    public static final String ANTHROPIC_1 = """
            {"id":"msg_01A","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"I will look at the README first."},
                        {"type":"tool_use","id":"toolu_01R","name":"read_file","input":{"path":"README.md","offset":0,"limit":5}}],
             "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1100,"output_tokens":45}}""";
    public static final String ANTHROPIC_2 = """
            {"id":"msg_01B","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"tool_use","id":"toolu_01W","name":"write_file","input":{"path":"hello.txt","content":"hello, world\\n"}},
                        {"type":"tool_use","id":"toolu_01E","name":"edit_file","input":{"path":"README.md","old":"Hello from main.","new":"Hello from R1."}}],
             "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":1250,"output_tokens":70}}""";
    public static final String ANTHROPIC_3 = """
            {"id":"msg_01C","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
             "content":[{"type":"text","text":"Added hello.txt and updated the README greeting."}],
             "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1400,"output_tokens":15}}""";

    /** An OpenAI error body, as a 429 or 500 carries it. */
    public static final String OPENAI_RATE_LIMIT = """
            {"error":{"message":"Rate limit reached for gpt-4o in organization org-x on tokens per min (TPM).","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""";
    public static final String ANTHROPIC_OVERLOADED = """
            {"type":"error","error":{"type":"api_error","message":"Internal server error"}}""";

    /** Claude Code {@code --output-format stream-json --verbose}; the stand-in does the file work itself. */
    public static final String CLAUDE_STREAM = """
            {"type":"system","subtype":"init","cwd":"%1$s","session_id":"5c1f0e2a","tools":["Read","Write","Edit","Bash"],"model":"claude-sonnet-4-5-20250929","permissionMode":"acceptEdits"}
            {"type":"assistant","message":{"id":"msg_c1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"I will look at the README first."},{"type":"tool_use","id":"toolu_c1","name":"Read","input":{"file_path":"%1$s/README.md"}}],"stop_reason":null,"usage":{"input_tokens":4,"output_tokens":30}},"session_id":"5c1f0e2a"}
            {"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_c1","type":"tool_result","content":"     1\\t# Demo\\n     2\\t\\n     3\\tHello from main.\\n"}]},"session_id":"5c1f0e2a"}
            {"type":"assistant","message":{"id":"msg_c2","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"tool_use","id":"toolu_c2","name":"Write","input":{"file_path":"%1$s/hello.txt","content":"hello, world\\n"}}],"stop_reason":null,"usage":{"input_tokens":4,"output_tokens":50}},"session_id":"5c1f0e2a"}
            {"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_c2","type":"tool_result","content":"File created successfully at: %1$s/hello.txt"}]},"session_id":"5c1f0e2a"}
            {"type":"assistant","message":{"id":"msg_c3","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"tool_use","id":"toolu_c3","name":"Bash","input":{"command":"cat hello.txt","description":"Show the new file"}}],"stop_reason":null,"usage":{"input_tokens":4,"output_tokens":20}},"session_id":"5c1f0e2a"}
            {"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_c3","type":"tool_result","content":"hello, world","is_error":false}]},"session_id":"5c1f0e2a"}
            {"type":"assistant","message":{"id":"msg_c4","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Added hello.txt."}],"stop_reason":"end_turn","usage":{"input_tokens":4,"output_tokens":8}},"session_id":"5c1f0e2a"}
            {"type":"result","subtype":"success","is_error":false,"duration_ms":8123,"duration_api_ms":7000,"num_turns":4,"result":"Added hello.txt.","session_id":"5c1f0e2a","total_cost_usd":0.0421,"usage":{"input_tokens":16,"cache_creation_input_tokens":3000,"cache_read_input_tokens":9000,"output_tokens":108}}
            """;

    /** {@code codex exec --json}; the stand-in does the file work itself. */
    public static final String CODEX_STREAM = """
            {"type":"thread.started","thread_id":"0199a213-81c0-7800-8aa1-bbab2a035a53"}
            {"type":"turn.started"}
            {"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"**Reading the README** to see the greeting."}}
            {"type":"item.started","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'cat README.md'","aggregated_output":"","exit_code":null,"status":"in_progress"}}
            {"type":"item.completed","item":{"id":"item_1","type":"command_execution","command":"bash -lc 'cat README.md'","aggregated_output":"# Demo\\n\\nHello from main.\\n","exit_code":0,"status":"completed"}}
            {"type":"item.completed","item":{"id":"item_2","type":"file_change","changes":[{"path":"%1$s/hello.txt","kind":"add"}],"status":"completed"}}
            {"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"bash -lc 'test -f missing.txt'","aggregated_output":"","exit_code":1,"status":"failed"}}
            {"type":"item.completed","item":{"id":"item_4","type":"agent_message","text":"Added hello.txt."}}
            {"type":"turn.completed","usage":{"input_tokens":24763,"cached_input_tokens":24448,"output_tokens":122}}
            """;
}
