package dev.r1.engines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.r1.engines.cli.ClaudeCodeEngine;
import dev.r1.engines.cli.CodexEngine;
import dev.r1.engines.config.ConfigException;
import dev.r1.engines.config.Provider;
import dev.r1.engines.config.R1Config;
import dev.r1.engines.model.ChatEngine;
import dev.r1.engines.model.ChatModels;
import dev.r1.pipeline.spec.TaskSpec;
import dev.r1.pipeline.spec.TaskSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The engines of one service: picks and starts the engine for each run from the task's
 * {@code engine} (kind, and optionally {@code provider} and {@code model}) and the config's routes
 * for the role, with fallbacks; asks one-shot questions (review, plan) the same way. Keys are read
 * from the environment or key files as each provider starts, and remembered only to be scrubbed
 * from anything recorded ({@link #redact}).
 */
public final class Engines implements EngineFactory {
    public static final Set<String> MODEL_KINDS = Set.of("openai", "anthropic", "claude-code", "codex");
    static final int DEFAULT_MAX_TURNS = 50;

    private final R1Config config;
    private final Map<String, String> env;
    private final Secrets secrets = new Secrets();

    public Engines(R1Config config, Map<String, String> env) {
        this.config = config;
        this.env = Map.copyOf(env);
    }

    /** The config {@code R1_CONFIG} or {@code ~/.r1/config.yaml} holds (none: built-in providers only), keys from the process environment. */
    public static Engines fromEnvironment() {
        return fromEnvironment(Optional.empty());
    }

    /**
     * The config in {@code file} when a service's {@code r1.config} setting names one, else as
     * {@link #fromEnvironment()}; keys from the process environment either way. A setting exists
     * beside {@code R1_CONFIG} because a service's environment is fixed when its JVM starts, while
     * its settings also come from application.properties and system properties.
     */
    public static Engines fromEnvironment(Optional<Path> file) {
        Map<String, String> env = System.getenv();
        return new Engines(file.map(R1Config::load).orElseGet(() -> R1Config.fromEnvironment(env)), env);
    }

    public R1Config config() {
        return config;
    }

    public String redact(String text) {
        return secrets.redact(text);
    }

    /** Whether a task runs on a model (API or CLI) rather than a recording. */
    public static boolean isModelEngine(TaskSpec spec) {
        return MODEL_KINDS.contains(spec.engine().kind());
    }

    /** A provider and model a role may use. */
    public record Choice(Provider provider, String model) {
        public Identity identity() {
            return new Identity(provider.name(), provider.kind(), model == null ? "default" : model, provider.familyOf(model));
        }

        public String name() {
            return model == null ? provider.name() : provider.name() + "/" + model;
        }
    }

    @Override
    public void check(TaskSpec spec) {
        String kind = spec.engine().kind();
        if (dev.r1.pipeline.spec.Engine.SCRIPTED.equals(kind)) return;
        if (!MODEL_KINDS.contains(kind)) throw new UnsupportedEngineException(kind);
        route(Role.IMPLEMENTER, spec);
    }

    @Override
    public Engine start(EngineRequest request) {
        TaskSpec spec = request.spec();
        String kind = spec.engine().kind();
        if (dev.r1.pipeline.spec.Engine.SCRIPTED.equals(kind)) {
            return new ScriptedEngine(request.item() == null ? spec.engine().attempt(request.attempt())
                    : scriptedItem(spec, request.item(), request.note() != null));
        }
        if (!MODEL_KINDS.contains(kind)) throw new UnsupportedEngineException(kind);
        List<FallbackEngine.Candidate> candidates = new ArrayList<>();
        for (Choice c : route(Role.IMPLEMENTER, spec)) candidates.add(new FallbackEngine.Candidate(c.name(), () -> implementer(c, request)));
        return new FallbackEngine(candidates);
    }

    /**
     * The providers a role tries, in order. For the implementer: the task's {@code engine.provider}
     * if named, else the route's first provider of the task's kind, else the built-in provider of
     * that kind ({@code engine.model} picks its model); then the rest of the route as fallbacks
     * (subscriptions, then API keys, then the managed pool). Other roles: their route; a planner
     * without one plans with the implementer's first choice.
     */
    public List<Choice> route(Role role, TaskSpec spec) {
        List<R1Config.RouteEntry> route = config.routes().getOrDefault(role, List.of());
        List<Choice> out = new ArrayList<>();
        if (role == Role.IMPLEMENTER) {
            String kind = spec.engine().kind();
            JsonNode settings = spec.engine().settings() == null ? JsonNodeFactory.instance.objectNode() : spec.engine().settings();
            String named = settings.path("provider").asText(null);
            String model = settings.path("model").asText(null);
            Choice first;
            if (named != null) {
                Provider p = config.providers().get(named);
                if (p == null) throw new ConfigException("engine.provider " + named + " is not a provider of " + config.source());
                if (!p.kind().equals(kind)) throw new ConfigException("engine.provider " + named + " is of kind " + p.kind() + ", not " + kind);
                first = new Choice(p, model != null ? model : p.defaultModel());
            } else {
                Optional<R1Config.RouteEntry> ofKind = route.stream().filter(r -> config.providers().get(r.provider()).kind().equals(kind)).findFirst();
                if (ofKind.isPresent()) {
                    Provider p = config.providers().get(ofKind.get().provider());
                    first = new Choice(p, model != null ? model : ofKind.get().model() != null ? ofKind.get().model() : p.defaultModel());
                } else {
                    Optional<Provider> any = config.providers().values().stream().filter(p -> p.kind().equals(kind)).findFirst();
                    Provider p = any.orElseGet(() -> R1Config.builtIn(kind));
                    first = new Choice(p, model != null ? model : p.defaultModel());
                }
            }
            out.add(first);
            for (R1Config.RouteEntry r : route) {
                Choice c = choice(r);
                if (!c.name().equals(first.name()) && !(c.provider().name().equals(first.provider().name()) && r.model() == null)) out.add(c);
            }
            return out;
        }
        for (R1Config.RouteEntry r : route) out.add(choice(r));
        if (out.isEmpty() && role == Role.PLANNER && isModelEngine(spec)) return List.of(route(Role.IMPLEMENTER, spec).get(0));
        return out;
    }

    private Choice choice(R1Config.RouteEntry r) {
        Provider p = config.providers().get(r.provider());
        return new Choice(p, r.model() != null ? r.model() : p.defaultModel());
    }

    private Engine implementer(Choice c, EngineRequest request) {
        Provider p = c.provider();
        request.meter().checkBeforeCall("starting " + c.name());
        String prompt = Prompts.implementerTask(request);
        JsonNode settings = request.spec().engine().settings();
        int maxTurns = settings == null ? DEFAULT_MAX_TURNS : settings.path("max_turns").asInt(DEFAULT_MAX_TURNS);
        return switch (p.kind()) {
            case "openai", "anthropic" -> {
                String model = requireModel(c);
                String key = secrets.remember(p.key().resolve(p.name(), env));
                yield new ChatEngine(ChatModels.of(p, model, key), p, model, request.meter(), maxTurns, Prompts.IMPLEMENTER, prompt);
            }
            case "claude-code" -> new ClaudeCodeEngine(p, c.model(), request.worktree(), Prompts.IMPLEMENTER + "\n\n" + prompt, request.meter(), env,
                    keyEnv(p, "ANTHROPIC_API_KEY"));
            case "codex" -> new CodexEngine(p, c.model(), request.worktree(), Prompts.IMPLEMENTER + "\n\n" + prompt, request.meter(), env,
                    keyEnv(p, "OPENAI_API_KEY"));
            default -> throw new UnsupportedEngineException(p.kind());
        };
    }

    private static String requireModel(Choice c) {
        if (c.model() == null) {
            throw new EngineException.ProviderFailure(c.provider().name(), "provider " + c.provider().name()
                    + " names no model: list its models in the config or set engine.model");
        }
        return c.model();
    }

    /** A CLI's key, if its provider has one, under the variable the CLI reads. */
    private Map<String, String> keyEnv(Provider p, String variable) {
        if (p.key().isNone()) return Map.of();
        return Map.of(variable, secrets.remember(p.key().resolve(p.name(), env)));
    }

    /**
     * The steps a scripted plan item replays: {@code engine.items[].steps}, read like an attempt;
     * when it is sent back for repair, its {@code repair} steps (or nothing).
     */
    static List<dev.r1.pipeline.spec.Step> scriptedItem(TaskSpec spec, String item, boolean repair) {
        for (JsonNode i : spec.engine().settings().path("items")) {
            if (!i.path("id").asText().equals(item)) continue;
            if (repair && !i.has("repair")) return List.of();
            ObjectNode synthetic = JsonNodeFactory.instance.objectNode().put("repository", "-").put("goal", "-").put("test_command", "-");
            ObjectNode eng = synthetic.putObject("engine").put("kind", "scripted");
            eng.putArray("attempts").add(i.path(repair ? "repair" : "steps").deepCopy());
            return TaskSpecs.fromTree(synthetic).engine().attempt(1);
        }
        return List.of();
    }

    /** A one-shot answer: the text, what it cost, who gave it and which providers were passed over on the way. */
    public record Answer(String text, Usage usage, Identity who, List<Step.ProviderSwitch> switches) {}

    /**
     * Asks {@code choices} in order until one answers (reviews, plans). A CLI provider runs in
     * {@code dir} and its final message is the answer.
     *
     * @throws EngineException.BudgetExhausted when the money is spent; {@link EngineException} when every provider failed
     */
    public Answer ask(List<Choice> choices, String system, String prompt, CostMeter meter, Path dir) {
        if (choices.isEmpty()) throw new EngineException("no provider is configured for this role");
        List<Step.ProviderSwitch> switches = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < choices.size(); i++) {
            Choice c = choices.get(i);
            meter.checkBeforeCall("a call to " + c.name());
            try {
                Answer a = askOne(c, system, prompt, meter, dir);
                return new Answer(a.text(), a.usage(), a.who(), List.copyOf(switches));
            } catch (EngineException.ProviderFailure e) {
                failures.add(secrets.redact(e.getMessage()));
                if (i + 1 < choices.size()) switches.add(new Step.ProviderSwitch(c.name(), choices.get(i + 1).name(), secrets.redact(e.getMessage())));
            }
        }
        throw new EngineException("every provider failed: " + String.join("; ", failures));
    }

    private Answer askOne(Choice c, String system, String prompt, CostMeter meter, Path dir) {
        Provider p = c.provider();
        if (!p.isCli()) {
            String model = requireModel(c);
            String key = secrets.remember(p.key().resolve(p.name(), env));
            ChatResponse r = ChatModels.call(ChatModels.of(p, model, key),
                    ChatRequest.builder().messages(SystemMessage.from(system), UserMessage.from(prompt)).build(), p);
            Usage u = ChatModels.usage(r, p, model);
            meter.charge(u);
            String text = r.aiMessage().text() == null ? "" : r.aiMessage().text();
            return new Answer(text, u, c.identity(), List.of());
        }
        try (Engine e = p.kind().equals("claude-code")
                ? new ClaudeCodeEngine(p, c.model(), dir, system + "\n\n" + prompt, meter, env, keyEnv(p, "ANTHROPIC_API_KEY"))
                : new CodexEngine(p, c.model(), dir, system + "\n\n" + prompt, meter, env, keyEnv(p, "OPENAI_API_KEY"))) {
            String last = null;
            String result = null;
            long in = 0;
            long out = 0;
            double cost = 0;
            for (Optional<Step> s = e.next(null); s.isPresent(); s = e.next(null)) {
                if (s.get() instanceof Step.Thought t) {
                    if (t.usage() == null) {
                        last = t.text();
                    } else {
                        in += t.usage().inputTokens();
                        out += t.usage().outputTokens();
                        cost += t.usage().costUsd();
                        result = t.text();
                    }
                }
            }
            Usage u = new Usage(p.name(), c.model() == null ? "default" : c.model(), in, out, cost);
            meter.charge(u);
            String text = p.kind().equals("claude-code") && result != null ? result : last != null ? last : result == null ? "" : result;
            return new Answer(text, u, c.identity(), List.of());
        }
    }
}
