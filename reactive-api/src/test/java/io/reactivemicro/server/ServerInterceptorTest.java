package io.reactivemicro.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.metadata.Metadata;
import io.reactivemicro.server.spi.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ServerInterceptorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  static class Words {
    final List<String> log;

    Words(List<String> log) {
      this.log = log;
    }

    public Mono<String> one(String word) {
      log.add("handler " + word);
      return Mono.just(word);
    }

    public Flux<String> many(String word) {
      log.add("handler " + word);
      return Flux.just(word, word);
    }

    public Flux<String> chat(Flux<String> words) {
      log.add("handler chat");
      return words;
    }
  }

  private final List<String> log = new CopyOnWriteArrayList<>();

  private ServerInterceptor tagging(String tag) {
    return next -> call -> {
      log.add(tag + " " + call.endpoint().name() + (call.fireAndForget() ? " (fire-and-forget)" : ""));
      return Flux.from(next.handle(call)).map(response -> response + "|" + tag);
    };
  }

  private final Router router = Router.builder("words")
      .handler(new Words(log))
      .interceptor(tagging("outer"))
      .interceptors(List.of(tagging("middle"), tagging("inner")))
      .build();

  @Test
  void firstInterceptorIsOutermostForRequestResponse() {
    StepVerifier.create(router.require("Words.One").requestResponse("hi", Metadata.empty()))
        .expectNext("hi|inner|middle|outer")
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(log).containsExactly("outer Words.One", "middle Words.One", "inner Words.One", "handler hi");
  }

  @Test
  void firstInterceptorIsOutermostForRequestStream() {
    StepVerifier.create(router.require("Words.Many").requestStream("yo", Metadata.empty()))
        .expectNext("yo|inner|middle|outer", "yo|inner|middle|outer")
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(log).containsExactly("outer Words.Many", "middle Words.Many", "inner Words.Many", "handler yo");
  }

  @Test
  void firstInterceptorIsOutermostForRequestChannel() {
    StepVerifier.create(router.require("Words.Chat").requestChannel(Flux.just("a", "b"), Metadata.empty()))
        .expectNext("a|inner|middle|outer", "b|inner|middle|outer")
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(log).containsExactly("outer Words.Chat", "middle Words.Chat", "inner Words.Chat", "handler chat");
  }

  @Test
  void firstInterceptorIsOutermostForFireAndForget() {
    StepVerifier.create(router.require("Words.One").fireAndForget("psst", Metadata.empty()))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(log).containsExactly(
        "outer Words.One (fire-and-forget)", "middle Words.One (fire-and-forget)",
        "inner Words.One (fire-and-forget)", "handler psst");
  }

  @Test
  void interceptorCanReplaceTheRequestAndSeesTheMetadata() {
    Router rewriting = Router.builder("words")
        .handler(new Words(log))
        .interceptor(next -> call -> next.handle(call.withRequest(call.request() + " " + call.metadata().get("x-user"))))
        .build();

    StepVerifier.create(rewriting.require("Words.One").requestResponse("hello", Metadata.of("X-User", "ada")))
        .expectNext("hello ada")
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void interceptorCanAnswerWithoutCallingTheHandler() {
    Router guarded = Router.builder("words")
        .handler(new Words(log))
        .interceptor(next -> call -> call.metadata().get("authorization") == null
            ? Mono.error(io.reactivemicro.errors.MicroException.unauthorized("words", "no token"))
            : next.handle(call))
        .build();

    StepVerifier.create(guarded.require("Words.One").requestResponse("hi", Metadata.empty()))
        .expectErrorSatisfies(e -> assertThat(e)
            .isInstanceOfSatisfying(io.reactivemicro.errors.MicroException.class,
                me -> assertThat(me.code()).isEqualTo(401)))
        .verify(TIMEOUT);
    assertThat(log).isEmpty();
  }
}
