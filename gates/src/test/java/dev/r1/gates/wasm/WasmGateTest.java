package dev.r1.gates.wasm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.r1.gates.Checkpoint;
import dev.r1.gates.Diff;
import dev.r1.gates.GateInput;
import dev.r1.gates.GateSuite;
import dev.r1.gates.GateVerdict;
import dev.r1.gates.Inputs;
import dev.r1.stoke.event.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WasmGateTest {
    private static final WasmLimits TIGHT = new WasmLimits(5_000_000L, 16, Duration.ofSeconds(10), 64 * 1024);

    private static byte[] module(String name) throws IOException {
        try (InputStream in = WasmGateTest.class.getResourceAsStream("/wasm/" + name + ".wasm")) {
            if (in == null) throw new IOException("missing /wasm/" + name + ".wasm (compiled by the build from src/*/resources/wasm)");
            return in.readAllBytes();
        }
    }

    private static WasmGate gate(String name, WasmLimits limits) throws Exception {
        return WasmGate.load(name, module(name), limits, JsonNodeFactory.instance.objectNode());
    }

    private static GateInput change(String content) {
        return Inputs.atVerify(Diff.parse(Inputs.newFile("src/app.py", content)));
    }

    @Test
    void theExampleGateAllowsACleanChange() throws Exception {
        GateVerdict v = gate("do-not-merge", WasmLimits.DEFAULT).evaluate(change("print('hello')\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.ALLOW);
        assertThat(v.reason()).isEqualTo("no DO NOT MERGE marker in the change");
    }

    @Test
    void theExampleGateBlocksAMarkedChange() throws Exception {
        GateVerdict v = gate("do-not-merge", WasmLimits.DEFAULT).evaluate(change("# DO NOT MERGE: debugging only\nprint('x')\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("DO NOT MERGE marker").contains("remove it");
        GateVerdict tool = gate("do-not-merge", WasmLimits.DEFAULT).evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task())
                .tool(GateInput.ToolCall.write("notes.txt", "DO NOT MERGE")).build());
        assertThat(tool.verdict()).isEqualTo(Verdict.BLOCK);
    }

    @Test
    void theExampleGateHandlesAnInputLargerThanItsFirstPage() throws Exception {
        String big = "x = 1\n".repeat(40_000) + "# DO NOT MERGE\n";
        GateVerdict v = gate("do-not-merge", WasmLimits.DEFAULT).evaluate(change(big));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
    }

    @Test
    void aModuleCanEscalate() throws Exception {
        GateVerdict v = gate("escalate", TIGHT).evaluate(change("x\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.ESCALATE);
        assertThat(v.reason()).isEqualTo("a person should look at this");
    }

    @Test
    void anInfiniteLoopIsStoppedByTheTimeLimit() throws Exception {
        WasmLimits limits = new WasmLimits(Long.MAX_VALUE, 16, Duration.ofMillis(500), 64 * 1024);
        long t0 = System.nanoTime();
        GateVerdict v = gate("loop", limits).evaluate(change("x\n"));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("ran over its time limit of 500 ms");
        assertThat(took).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anInfiniteLoopIsStoppedByItsFuel() throws Exception {
        WasmLimits limits = new WasmLimits(1_000_000L, 16, Duration.ofSeconds(30), 64 * 1024);
        long t0 = System.nanoTime();
        GateVerdict v = gate("loop", limits).evaluate(change("x\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("used up its fuel of 1000000 instructions");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aStartFunctionThatNeverEndsIsStoppedToo() throws Exception {
        GateVerdict v = gate("start-loop", new WasmLimits(Long.MAX_VALUE, 16, Duration.ofMillis(300), 64 * 1024)).evaluate(change("x\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("time limit");
    }

    @Test
    void aMemoryBombIsStoppedByTheMemoryLimit() throws Exception {
        GateVerdict v = gate("memory-bomb", new WasmLimits(2_000_000L, 16, Duration.ofSeconds(10), 64 * 1024)).evaluate(change("x\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("memory at the limit of 16 pages (1 MiB)");
        GateVerdict trap = gate("memory-bomb-trap", TIGHT).evaluate(change("x\n"));
        assertThat(trap.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(trap.reason()).contains("trapped").contains("memory at the limit of 16 pages");
    }

    @Test
    void endlessRecursionIsStopped() throws Exception {
        GateVerdict v = gate("recursion", new WasmLimits(50_000_000L, 16, Duration.ofSeconds(10), 64 * 1024)).evaluate(change("x\n"));
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).containsAnyOf("call stack", "fuel", "time limit");
    }

    @Test
    void badAnswersBlock() throws Exception {
        GateVerdict pointer = gate("bad-pointer", TIGHT).evaluate(change("x\n"));
        assertThat(pointer.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(pointer.reason()).contains("outside its memory");
        GateVerdict text = gate("not-json", TIGHT).evaluate(change("x\n"));
        assertThat(text.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(text.reason()).contains("not JSON").contains("looks good to me");
    }

    @Test
    void aModuleWithImportsIsRefused() {
        assertThatThrownBy(() -> gate("imports", TIGHT))
                .isInstanceOf(WasmModuleException.class)
                .hasMessageContaining("imports env.log (function)")
                .hasMessageContaining("remove every import");
    }

    @Test
    void aModuleOverTheMemoryLimitOrWithoutTheAbiIsRefused() {
        assertThatThrownBy(() -> gate("big-memory", TIGHT)).hasMessageContaining("starts with 1000 memory pages, more than the limit of 16");
        assertThatThrownBy(() -> gate("no-alloc", TIGHT)).hasMessageContaining("does not export 'alloc'");
        assertThatThrownBy(() -> WasmGate.load("junk", "not wasm".getBytes(), TIGHT, null)).hasMessageContaining("not a valid WebAssembly module");
    }

    @Test
    void anInputTooBigForTheMemoryLimitBlocks() throws Exception {
        WasmLimits small = new WasmLimits(5_000_000L, 1, Duration.ofSeconds(5), 1 << 20);
        GateVerdict v = gate("do-not-merge", small).evaluate(GateInput.at(Checkpoint.TOOL, Inputs.task())
                .tool(GateInput.ToolCall.write("big.txt", "y".repeat(200_000))).build());
        assertThat(v.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(v.reason()).contains("does not fit in its memory limit");
    }

    @Test
    void theInputIsTheDocumentedJson() throws Exception {
        GateInput in = GateInput.at(Checkpoint.TOOL, Inputs.task()).tool(GateInput.ToolCall.write("a.txt", "hi\n")).role("agent").build();
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(WasmInput.bytes(in, "g", null, 1 << 20));
        assertThat(doc.get("transition").asText()).isEqualTo("tool");
        assertThat(doc.at("/tool/kind").asText()).isEqualTo("write");
        assertThat(doc.at("/diff/paths/0").asText()).isEqualTo("a.txt");
        assertThat(doc.at("/diff/changed").asInt()).isEqualTo(1);
        assertThat(doc.at("/actor/role").asText()).isEqualTo("agent");
        assertThat(doc.at("/task/phase").asText()).isEqualTo("EXECUTE");
    }

    @Test
    void aHostileGateInASuiteYieldsABlockNotAStuckTask() throws Exception {
        GateSuite suite = GateSuite.of(dev.r1.gates.GatesLoader.parse("""
                gates:
                  spin: {type: wasm, module: classpath:wasm/loop.wasm, timeout_ms: 300, fuel: 1000000000000}
                  bomb: {type: wasm, module: classpath:wasm/memory-bomb.wasm, memory_pages: 8, fuel: 1000000}
                transitions:
                  EXECUTE->VERIFY: [spin, bomb, secrets]
                """, "test", java.util.Optional.empty()));
        var verdicts = suite.evaluate(change("print(1)\n"));
        assertThat(verdicts).extracting(GateVerdict::gate).containsExactly("bomb", "secrets", "spin");
        assertThat(verdicts).extracting(GateVerdict::verdict).containsExactly(Verdict.BLOCK, Verdict.ALLOW, Verdict.BLOCK);
        assertThat(GateSuite.overall(verdicts)).isEqualTo(Verdict.BLOCK);
    }
}
