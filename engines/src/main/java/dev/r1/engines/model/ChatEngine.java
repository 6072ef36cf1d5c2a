package dev.r1.engines.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.r1.engines.CostMeter;
import dev.r1.engines.Engine;
import dev.r1.engines.EngineException;
import dev.r1.engines.Identity;
import dev.r1.engines.Step;
import dev.r1.engines.Tools;
import dev.r1.engines.Usage;
import dev.r1.engines.config.Provider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * An implementer on a model API with tool calling (OpenAI-compatible chat completions or the
 * Anthropic Messages API, through LangChain4j): the model answers, its tool calls become
 * {@link Step.ToolUse}s one by one, their outputs go back as tool results, until it answers
 * with no tool call. Each model call becomes a {@link Step.Thought} carrying its {@link Usage}.
 */
public final class ChatEngine implements Engine {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tool output a model is shown, at most; the record keeps the full hash. */
    static final int RESULT_FOR_MODEL = 32 * 1024;

    private final ChatModel model;
    private final Provider provider;
    private final String modelName;
    private final CostMeter meter;
    private final int maxTurns;
    private final List<ChatMessage> messages = new ArrayList<>();
    private final Deque<ToolExecutionRequest> queue = new ArrayDeque<>();
    private final Deque<Step> pending = new ArrayDeque<>();
    private ToolExecutionRequest inFlight;
    private int turns;
    private boolean done;

    public ChatEngine(ChatModel model, Provider provider, String modelName, CostMeter meter, int maxTurns, String system, String prompt) {
        this.model = model;
        this.provider = provider;
        this.modelName = modelName;
        this.meter = meter;
        this.maxTurns = maxTurns;
        messages.add(SystemMessage.from(system));
        messages.add(UserMessage.from(prompt));
    }

    @Override
    public Optional<Identity> identity() {
        return Optional.of(new Identity(provider.name(), provider.kind(), modelName, provider.familyOf(modelName)));
    }

    @Override
    public Optional<Step> next(ToolOutput previous) {
        if (inFlight != null) {
            messages.add(ToolExecutionResultMessage.from(inFlight, forModel(previous)));
            inFlight = null;
        }
        if (!pending.isEmpty()) return Optional.of(pending.poll());
        if (!queue.isEmpty()) {
            inFlight = queue.poll();
            return Optional.of(toolUse(inFlight));
        }
        if (done) return Optional.empty();
        if (turns >= maxTurns) {
            throw new EngineException("the model asked for more than " + maxTurns + " rounds of tool calls; raise engine.max_turns or split the task");
        }
        meter.checkBeforeCall("call " + (turns + 1) + " to " + provider.name());
        turns++;
        ChatResponse r = ChatModels.call(model, ChatRequest.builder().messages(messages).toolSpecifications(Tools.specifications()).build(), provider);
        AiMessage ai = r.aiMessage();
        messages.add(ai);
        Usage usage = ChatModels.usage(r, provider, modelName);
        String text = ai.text() == null || ai.text().isBlank()
                ? "(" + provider.name() + "/" + modelName + " asked for " + ai.toolExecutionRequests().size() + " tool call"
                        + (ai.toolExecutionRequests().size() == 1 ? "" : "s") + ")"
                : ai.text();
        if (ai.hasToolExecutionRequests()) queue.addAll(ai.toolExecutionRequests());
        else done = true;
        return Optional.of(new Step.Thought(text, usage));
    }

    /** A model's tool call as a tool use; arguments that are not a JSON object are passed on for the tool to refuse. */
    static Step toolUse(ToolExecutionRequest req) {
        ObjectNode input;
        try {
            JsonNode n = JSON.readTree(req.arguments() == null || req.arguments().isBlank() ? "{}" : req.arguments());
            input = n != null && n.isObject() ? (ObjectNode) n : JsonNodeFactory.instance.objectNode().put("_arguments", req.arguments());
        } catch (Exception e) {
            input = JsonNodeFactory.instance.objectNode().put("_arguments", req.arguments());
        }
        return new Step.ToolUse(req.name(), input);
    }

    static String forModel(ToolOutput out) {
        if (out == null) return "(no output)";
        String text = new String(out.result(), StandardCharsets.UTF_8);
        if (text.length() > RESULT_FOR_MODEL) {
            text = text.substring(0, RESULT_FOR_MODEL) + "\n[" + (text.length() - RESULT_FOR_MODEL) + " more characters not shown]";
        }
        if (text.isBlank()) text = "(no output)";
        return out.exitCode() == 0 ? text : "exit code " + out.exitCode() + "\n" + text;
    }
}
