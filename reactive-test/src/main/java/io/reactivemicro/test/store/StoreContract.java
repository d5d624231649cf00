package io.reactivemicro.test.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.store.DeleteOptions;
import io.reactivemicro.store.ListOptions;
import io.reactivemicro.store.Namespace;
import io.reactivemicro.store.ReadOptions;
import io.reactivemicro.store.Record;
import io.reactivemicro.store.Store;
import io.reactivemicro.store.TypedRecord;
import io.reactivemicro.store.TypedStore;
import io.reactivemicro.store.WriteOptions;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.BackendContract;
import io.reactivemicro.test.SharedClientChecks;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.retry.Retry;

/**
 * The behaviour every {@link Store} shares, as a suite each implementation runs by extending this class,
 * the way Micrometer backends extend {@code MeterRegistryCompatibilityKit}.
 *
 * <p>Each test works in databases of its own (a random name), so backends on shared servers need no
 * cleaning between tests; {@link #cleanUp(Store, Namespace)} removes what a test wrote. Stores are created
 * with a virtual clock ({@link #createStore(Scheduler)}): every backend filters expired records at read
 * time by the store's clock, so expiry is tested in virtual time; a backend whose server also expires
 * records tests that in real time in its own class.
 *
 * <p>How a backend is made is tested too, through the hooks of {@link BackendContract}, whose defaults
 * skip those tests: a store made from {@link #settingsChoosingThisBackend()} must read back the record
 * {@code from-settings} it writes in its default namespace; stores sharing a client, or on the
 * application's client, write in this test's {@link #database}.
 *
 * <pre>{@code
 * class RedisStoreTest extends StoreContract {
 *   @Override protected Store createStore(Scheduler clock) {
 *     return RedisStore.builder("127.0.0.1:6379").clock(clock).build();
 *   }
 *
 *   @Override protected boolean keepsKeyOrder() {
 *     return false; // SCAN order
 *   }
 * }
 * }</pre>
 */
public abstract class StoreContract extends BackendContract<Store> {

  /** How long any single store operation may take, generous for shared, loaded machines. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The table most tests use. */
  protected static final String TABLE = "t";

  /** The virtual clock the store under test reads expiries from. */
  protected final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

  /** The database of this test, unique to it. */
  protected final String database = "contract-" + UUID.randomUUID().toString().substring(0, 8);

  private Store backend;
  private Store store;

  /**
   * Creates the store under test, reading the time from {@code clock}. Called once before each test; the
   * store is closed after it.
   */
  protected abstract Store createStore(Scheduler clock);

  /** Tells whether the backend returns reads and lists in key order; {@code false} pages in its own order. */
  protected boolean keepsKeyOrder() {
    return true;
  }

  /** Moves the store's clock forward; the default advances the virtual clock. */
  protected void passTime(Duration duration) {
    clock.advanceTimeBy(duration);
  }

  /**
   * Removes every record of {@code namespace} after a test. The default lists and deletes; backends whose
   * test class drops the whole table or file may do nothing.
   */
  protected Mono<Void> cleanUp(Store backend, Namespace namespace) {
    return backend.list(ListOptions.defaults().withNamespace(namespace.database(), namespace.table()))
        .flatMap(key -> backend.delete(key, DeleteOptions.defaults().withNamespace(namespace.database(), namespace.table())), 32)
        .then();
  }

  @BeforeEach
  void openStore() {
    // A realistic start, so that expiries sent to servers are in their present.
    clock.advanceTimeTo(Instant.now());
    backend = createStore(clock);
    store = backend.scoped(database, TABLE);
  }

  @AfterEach
  void cleanUpAndClose() {
    try {
      for (Namespace namespace : List.of(new Namespace(database, TABLE), new Namespace(database, "u"),
          new Namespace(otherDatabase(), TABLE))) {
        cleanUp(backend, namespace).block(TIMEOUT);
      }
    } finally {
      backend.close().block(TIMEOUT);
    }
  }

  /** Returns the store under test, scoped to this test's database and {@link #TABLE}. */
  protected Store store() {
    return store;
  }

  /** Returns the store under test as created, with its own default namespace. */
  protected Store backend() {
    return backend;
  }

  /** Returns a second database of this test. */
  protected String otherDatabase() {
    return database + "-b";
  }

  // --- write, read, delete ---

  @Test
  void writtenRecordIsReadBackWithValueMetadataAndVersion() {
    write(Record.of("alice", "hello").withMetadata(Map.of("type", "user", "tier", "gold")));

    Record record = readOne("alice");

    assertThat(record.key()).isEqualTo("alice");
    assertThat(record.valueAsString()).isEqualTo("hello");
    assertThat(record.metadata()).isEqualTo(Map.of("type", "user", "tier", "gold"));
    assertThat(record.expiry()).isNull();
    assertThat(record.version()).isPositive();
  }

  @Test
  void overwritingReplacesTheValueAndAssignsAGreaterVersion() {
    write(Record.of("k", "one"));
    long first = readOne("k").version();
    write(Record.of("k", "two").withVersion(first + 100));

    Record second = readOne("k");

    assertThat(second.valueAsString()).isEqualTo("two");
    assertThat(second.version()).isGreaterThan(first).isNotEqualTo(first + 100);
  }

  @Test
  void readingAMissingKeyFailsWithNotFound() {
    StepVerifier.create(store.read("missing"))
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(404)))
        .verify(TIMEOUT);
  }

  @Test
  void prefixOrSuffixReadWithoutMatchIsEmpty() {
    write(Record.of("present", "x"));

    StepVerifier.create(store.read("absent/", ReadOptions.defaults().withPrefix())).expectComplete().verify(TIMEOUT);
    StepVerifier.create(store.read(".absent", ReadOptions.defaults().withSuffix())).expectComplete().verify(TIMEOUT);
    StepVerifier.create(store.list(ListOptions.defaults().withPrefix("absent/"))).expectComplete().verify(TIMEOUT);
  }

  @Test
  void binaryValuesRoundTripByteForByte() {
    byte[] everyByte = new byte[512];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = (byte) i;
    }
    byte[] random = new byte[256 * 1024];
    new Random(42).nextBytes(random);
    String unicodeKey = "ключ/ü/\uD83D\uDE00/\t/key";
    write(Record.of("every-byte", everyByte));
    write(Record.of("random", random));
    write(Record.of("empty", new byte[0]));
    write(Record.of(unicodeKey, "unicode".getBytes(StandardCharsets.UTF_8)));

    assertThat(readOne("every-byte").value()).isEqualTo(everyByte);
    assertThat(readOne("random").value()).isEqualTo(random);
    assertThat(readOne("empty").value()).isEmpty();
    assertThat(readOne(unicodeKey).valueAsString()).isEqualTo("unicode");
    assertThat(store.list().collectList().block(TIMEOUT)).contains(unicodeKey);
  }

  @Test
  void recordsAreCopiedSoCallersCannotChangeThem() {
    byte[] value = {1, 2, 3};
    Record record = Record.of("copied", value);
    value[0] = 9;
    write(record);
    readOne("copied").value()[1] = 9;

    assertThat(readOne("copied").value()).containsExactly(1, 2, 3);
  }

  @Test
  void deleteRemovesTheRecordAndDeletingAMissingKeyIsNotAnError() {
    write(Record.of("doomed", "x"));
    write(Record.of("kept", "y"));

    StepVerifier.create(store.delete("doomed")).expectComplete().verify(TIMEOUT);
    StepVerifier.create(store.delete("never-written")).expectComplete().verify(TIMEOUT);

    StepVerifier.create(store.read("doomed")).expectError(MicroException.class).verify(TIMEOUT);
    assertThat(readOne("kept").valueAsString()).isEqualTo("y");
    assertThat(store.list().collectList().block(TIMEOUT)).containsExactly("kept");
  }

  // --- prefix, suffix, limit, offset ---

  @Test
  void prefixReadReturnsEveryMatchingRecord() {
    List<String> keys = List.of("user/3", "user/1", "users", "user/2", "use", "other/user/4", "user/10");
    keys.forEach(key -> write(Record.of(key, "v-" + key)));

    List<Record> records = read("user/", ReadOptions.defaults().withPrefix());

    List<String> expected = List.of("user/1", "user/10", "user/2", "user/3");
    if (keepsKeyOrder()) {
      assertThat(records).extracting(Record::key).containsExactlyElementsOf(expected);
    } else {
      assertThat(records).extracting(Record::key).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertThat(records).allSatisfy(r -> assertThat(r.valueAsString()).isEqualTo("v-" + r.key()));
  }

  @Test
  void emptyPrefixReadsTheWholeTable() {
    write(Record.of("a", "1"));
    write(Record.of("b", "2"));

    assertThat(read("", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void suffixReadMatchesTheEndOfKeys() {
    List.of("a.json", "b.json", "c.txt", "json", "d.json.bak").forEach(key -> write(Record.of(key, key)));

    assertThat(read(".json", ReadOptions.defaults().withSuffix())).extracting(Record::key)
        .containsExactlyInAnyOrder("a.json", "b.json");
  }

  @Test
  void limitAndOffsetPageThroughTheMatches() {
    List<String> keys = IntStream.range(0, 10).mapToObj(i -> String.format("page/%02d", i)).toList();
    keys.forEach(key -> write(Record.of(key, key)));
    write(Record.of("pagf", "outside"));

    List<String> seen = new ArrayList<>();
    for (int offset = 0; offset < 12; offset += 3) {
      List<String> page = read("page/", ReadOptions.defaults().withPrefix().withOffset(offset).withLimit(3)).stream()
          .map(Record::key).toList();
      assertThat(page).hasSize(Math.max(0, Math.min(3, 10 - offset)));
      if (keepsKeyOrder()) {
        assertThat(page).containsExactlyElementsOf(keys.subList(Math.min(offset, 10), Math.min(offset + 3, 10)));
      }
      seen.addAll(page);
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(keys);
    assertThat(read("page/", ReadOptions.defaults().withPrefix().withLimit(4))).hasSize(4);
    assertThat(read("page/", ReadOptions.defaults().withPrefix().withOffset(8))).hasSize(2);
  }

  @Test
  void listFiltersByPrefixAndSuffixAndPages() {
    List.of("doc/a.md", "doc/b.md", "doc/c.txt", "img/d.md", "doc/e.md").forEach(k -> write(Record.of(k, k)));

    assertThat(list(ListOptions.defaults())).hasSize(5);
    assertThat(list(ListOptions.defaults().withPrefix("doc/"))).containsExactlyInAnyOrder("doc/a.md", "doc/b.md",
        "doc/c.txt", "doc/e.md");
    assertThat(list(ListOptions.defaults().withSuffix(".md"))).containsExactlyInAnyOrder("doc/a.md", "doc/b.md",
        "img/d.md", "doc/e.md");
    assertThat(list(ListOptions.defaults().withPrefix("doc/").withSuffix(".md"))).containsExactlyInAnyOrder("doc/a.md",
        "doc/b.md", "doc/e.md");
    List<String> first = list(ListOptions.defaults().withPrefix("doc/").withSuffix(".md").withLimit(2));
    List<String> rest = list(ListOptions.defaults().withPrefix("doc/").withSuffix(".md").withOffset(2));
    assertThat(first).hasSize(2);
    assertThat(rest).hasSize(1);
    assertThat(first).doesNotContainAnyElementsOf(rest);
    if (keepsKeyOrder()) {
      assertThat(first).containsExactly("doc/a.md", "doc/b.md");
      assertThat(list(ListOptions.defaults())).isSorted();
    }
  }

  @Test
  void wildcardCharactersInKeysAreMatchedLiterally() {
    List<String> keys = List.of("a*b", "a?b", "a[b]c", "a%b", "a_b", "a\\b", "ab", "axb", "a.b", "a^b");
    keys.forEach(key -> write(Record.of(key, key)));

    assertThat(read("a*", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("a*b");
    assertThat(read("a?", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("a?b");
    assertThat(read("a%", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("a%b");
    assertThat(read("a_", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("a_b");
    assertThat(read("a.", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("a.b");
    assertThat(read("*b", ReadOptions.defaults().withSuffix())).extracting(Record::key).containsExactly("a*b");
    assertThat(list(ListOptions.defaults().withPrefix("a["))).containsExactly("a[b]c");
    assertThat(list(ListOptions.defaults().withPrefix("a\\"))).containsExactly("a\\b");
    assertThat(list(ListOptions.defaults().withPrefix("a^"))).containsExactly("a^b");
    assertThat(list(ListOptions.defaults().withSuffix("]c"))).containsExactly("a[b]c");
    assertThat(list(ListOptions.defaults().withSuffix("%b"))).containsExactly("a%b");
  }

  // --- expiry ---

  @Test
  void expiredRecordIsNeverReturned() {
    Instant inAnHour = now().plus(Duration.ofHours(1));
    write(Record.of("ttl", "1"), WriteOptions.defaults().withTtl(Duration.ofHours(1)));
    write(Record.of("expiry", "2"), WriteOptions.defaults().withExpiry(inAnHour));
    write(Record.of("own", "3").withExpiry(inAnHour));
    write(Record.of("forever", "4"));

    assertThat(readOne("ttl").expiry()).isEqualTo(inAnHour);
    assertThat(readOne("own").expiry()).isEqualTo(inAnHour);
    passTime(Duration.ofMinutes(59));
    assertThat(list(ListOptions.defaults())).containsExactlyInAnyOrder("ttl", "expiry", "own", "forever");

    passTime(Duration.ofMinutes(1));

    for (String key : List.of("ttl", "expiry", "own")) {
      StepVerifier.create(store.read(key))
          .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(404))
          .verify(TIMEOUT);
    }
    assertThat(read("", ReadOptions.defaults().withPrefix())).extracting(Record::key).containsExactly("forever");
    assertThat(read("", ReadOptions.defaults().withSuffix())).extracting(Record::key).containsExactly("forever");
    assertThat(list(ListOptions.defaults())).containsExactly("forever");
  }

  @Test
  void expiryInThePastHidesTheRecordAtOnce() {
    write(Record.of("past", "x"), WriteOptions.defaults().withExpiry(now().minusSeconds(1)));

    StepVerifier.create(store.read("past")).expectError(MicroException.class).verify(TIMEOUT);
    assertThat(list(ListOptions.defaults())).isEmpty();
  }

  @Test
  void rewritingWithoutTtlMakesTheRecordPermanent() {
    write(Record.of("k", "short"), WriteOptions.defaults().withTtl(Duration.ofMinutes(1)));
    write(Record.of("k", "long"));

    passTime(Duration.ofHours(2));

    assertThat(readOne("k").valueAsString()).isEqualTo("long");
  }

  @Test
  void anExpiredRecordCountsAsAbsentForConditionalWrites() {
    write(Record.of("lease", "first"), WriteOptions.defaults().withTtl(Duration.ofMinutes(1)));
    long version = readOne("lease").version();
    passTime(Duration.ofMinutes(2));

    expectConflict(store.write(Record.of("lease", "stale"), WriteOptions.defaults().withIfVersion(version)));
    write(Record.of("lease", "second"), WriteOptions.defaults().withIfAbsent());

    assertThat(readOne("lease").valueAsString()).isEqualTo("second");
  }

  // --- namespaces ---

  @Test
  void namespacesKeepRecordsApart() {
    Store backend = backend();
    write(Record.of("shared", "t"));
    StepVerifier.create(backend.write(Record.of("shared", "u"), WriteOptions.defaults().withNamespace(database, "u")))
        .expectComplete().verify(TIMEOUT);
    Store other = backend.scoped(otherDatabase(), TABLE);
    StepVerifier.create(other.write(Record.of("shared", "b"))).expectComplete().verify(TIMEOUT);
    StepVerifier.create(other.write(Record.of("only-b", "b"))).expectComplete().verify(TIMEOUT);

    assertThat(readOne("shared").valueAsString()).isEqualTo("t");
    assertThat(backend.read("shared", ReadOptions.defaults().withNamespace(database, "u")).single().block(TIMEOUT)
        .valueAsString()).isEqualTo("u");
    assertThat(other.read("shared").single().block(TIMEOUT).valueAsString()).isEqualTo("b");
    assertThat(other.database()).isEqualTo(otherDatabase());
    assertThat(other.table()).isEqualTo(TABLE);
    assertThat(list(ListOptions.defaults())).containsExactly("shared");
    assertThat(other.list().collectList().block(TIMEOUT)).containsExactlyInAnyOrder("shared", "only-b");

    StepVerifier.create(other.delete("shared")).expectComplete().verify(TIMEOUT);

    assertThat(readOne("shared").valueAsString()).isEqualTo("t");
    assertThat(backend.list(ListOptions.defaults().withNamespace(database, "u")).collectList().block(TIMEOUT))
        .containsExactly("shared");
  }

  @Test
  void invalidNamesAndKeysFailWithBadRequest() {
    expectBadRequest(store.read("k", ReadOptions.defaults().withNamespace("no spaces", TABLE)).then());
    expectBadRequest(store.list(ListOptions.defaults().withNamespace(database, "no/slash")).then());
    expectBadRequest(store.write(Record.of("", "empty key")));
    expectBadRequest(store.write(Record.of("nul\0key", "x")));
    expectBadRequest(store.delete(""));
  }

  // --- conditional writes ---

  @Test
  void ifAbsentWritesOnlyANewRecord() {
    write(Record.of("once", "first"), WriteOptions.defaults().withIfAbsent());

    expectConflict(store.write(Record.of("once", "second"), WriteOptions.defaults().withIfAbsent()));

    assertThat(readOne("once").valueAsString()).isEqualTo("first");
  }

  @Test
  void ifVersionFailsWhenAnotherWriteCameFirst() {
    write(Record.of("doc", "v1"));
    Record read = readOne("doc");
    write(Record.of("doc", "v2"));

    expectConflict(store.write(Record.of("doc", "lost update"), WriteOptions.defaults().withIfVersion(read.version())));
    assertThat(readOne("doc").valueAsString()).isEqualTo("v2");

    write(Record.of("doc", "v3"), WriteOptions.defaults().withIfVersion(readOne("doc").version()));
    assertThat(readOne("doc").valueAsString()).isEqualTo("v3");

    long last = readOne("doc").version();
    StepVerifier.create(store.delete("doc")).expectComplete().verify(TIMEOUT);
    expectConflict(store.write(Record.of("doc", "resurrected"), WriteOptions.defaults().withIfVersion(last)));
  }

  @Test
  void concurrentWritersIncrementingOneRecordEndAtN() {
    int writers = 16;
    AtomicLong conflicts = new AtomicLong();

    Flux.range(0, writers)
        .flatMap(i -> increment("counter", conflicts).subscribeOn(Schedulers.parallel()), writers)
        .then()
        .block(TIMEOUT.multipliedBy(2));

    assertThat(readOne("counter").valueAsString()).isEqualTo(Integer.toString(writers));
  }

  @Test
  void typedUpdatesUnderConcurrentWritersEndAtN() {
    TypedStore<Integer> counters = store.typed(Integer.class);
    int writers = 12;

    Flux.range(0, writers)
        .flatMap(i -> counters.update("typed-counter", n -> n == null ? 1 : n + 1).subscribeOn(Schedulers.parallel()),
            writers)
        .then()
        .block(TIMEOUT.multipliedBy(2));

    assertThat(counters.get("typed-counter").block(TIMEOUT)).isEqualTo(writers);
  }

  // --- streaming ---

  @Test
  void tenThousandRecordsAreStreamedWithBackpressure() {
    int count = 10_000;
    byte[] value = new byte[64];
    Flux.range(0, count)
        .flatMap(i -> store.write(Record.of(String.format("bulk/%05d", i), value)), 64)
        .then()
        .block(TIMEOUT.multipliedBy(3));

    // Demand is honoured, and cancelling releases what the stream holds: more cancelled streams than
    // any pool has connections, and the store still answers.
    for (int i = 0; i < 24; i++) {
      StepVerifier.create(store.list(ListOptions.defaults().withPrefix("bulk/")), 0)
          .thenRequest(3)
          .expectNextCount(3)
          .expectNoEvent(Duration.ofMillis(20))
          .thenCancel()
          .verify(TIMEOUT);
      StepVerifier.create(store.read("bulk/", ReadOptions.defaults().withPrefix()), 0)
          .thenRequest(2)
          .expectNextCount(2)
          .expectNoEvent(Duration.ofMillis(20))
          .thenCancel()
          .verify(TIMEOUT);
    }

    AtomicReference<String> previous = new AtomicReference<>("");
    long listed = store.list(ListOptions.defaults().withPrefix("bulk/"))
        .limitRate(100)
        .doOnNext(key -> checkOrder(previous, key))
        .count()
        .block(TIMEOUT);
    assertThat(listed).isEqualTo(count);

    previous.set("");
    long read = store.read("bulk/", ReadOptions.defaults().withPrefix())
        .limitRate(100)
        .doOnNext(record -> {
          checkOrder(previous, record.key());
          assertThat(record.size()).isEqualTo(value.length);
        })
        .count()
        .block(TIMEOUT);
    assertThat(read).isEqualTo(count);
    assertThat(read("bulk/", ReadOptions.defaults().withPrefix().withOffset(9_990))).hasSize(10);
  }

  // --- typed ---

  /** A value type for the typed-store tests. */
  public record Item(String name, int count) {}

  @Test
  void typedStoreEncodesAndDecodesValues() {
    TypedStore<Item> items = store.typed(Item.class);

    items.put("item/1", new Item("apple", 3)).block(TIMEOUT);
    items.put("item/2", new Item("pear", 5), Duration.ofMinutes(1)).block(TIMEOUT);

    assertThat(items.get("item/1").block(TIMEOUT)).isEqualTo(new Item("apple", 3));
    assertThat(items.read("item/", ReadOptions.defaults().withPrefix()).collectList().block(TIMEOUT))
        .extracting(TypedRecord::value)
        .containsExactlyInAnyOrder(new Item("apple", 3), new Item("pear", 5));
    assertThat(items.update("item/1", item -> new Item(item.name(), item.count() + 1)).block(TIMEOUT))
        .isEqualTo(new Item("apple", 4));
    passTime(Duration.ofMinutes(2));
    assertThat(items.list(ListOptions.defaults()).collectList().block(TIMEOUT)).containsExactly("item/1");
  }

  @Test
  void storeHasANameAndTheDefaultNamespaceOfItsScope() {
    assertThat(backend().name()).isNotBlank();
    assertThat(store.database()).isEqualTo(database);
    assertThat(store.table()).isEqualTo(TABLE);
  }

  // --- making stores ---

  @Test
  void settingsChooseThisBackendWithItsNamespace() {
    Settings settings = settings();
    Store chosen = Store.fromSettings(settings);
    try {
      assertThat(chosen).hasSameClassAs(backend());
      assertThat(chosen.name()).isEqualTo(settings.get("store").orElseThrow());
      chosen.write(Record.of("from-settings", "v")).block(TIMEOUT);
      assertThat(chosen.read("from-settings").single().block(TIMEOUT).valueAsString()).isEqualTo("v");
      assertChosen(chosen);
    } finally {
      chosen.delete("from-settings").onErrorComplete().then(chosen.close()).block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsTheFirstOperationWithA503NotTheConstructor() {
    Store unreachable = orSkip(unreachable(), "the backend has no server to be unreachable");
    try {
      StepVerifier.create(unreachable.read("k"))
          .expectErrorSatisfies(e -> assertThat(e).isInstanceOfSatisfying(MicroException.class,
              m -> assertThat(m.code()).isEqualTo(503)))
          .verify(TIMEOUT);
    } finally {
      unreachable.close().block(TIMEOUT);
    }
  }

  @Test
  void storesFromSettingsShareOneClientUntilTheLastCloses() {
    String key = orSkip(sharedClientKey(), "stores from settings share no client");
    Settings settings = settings();
    SharedClientChecks.shareOneClientUntilTheLastCloses(key, () -> Store.fromSettings(settings), Store::close,
        (first, second) -> writtenAndReadBack(first.scoped(database, TABLE), second.scoped(database, "u")),
        second -> StepVerifier.create(second.scoped(database, "u").read("k").map(Record::valueAsString))
            .expectNext("two").expectComplete().verify(TIMEOUT));
  }

  @Test
  void storesFromSettingsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    String key = orSkip(sharedClientKey(), "stores from settings share no client");
    Settings settings = settings();
    SharedClientChecks.createdAndClosedConcurrently(key, () -> Store.fromSettings(settings), Store::close,
        (store, thread) -> {
          Store own = store.scoped(database, thread);
          String value = "v-" + UUID.randomUUID();
          StepVerifier.create(own.write(Record.of("k", value)).thenMany(own.read("k")).map(Record::valueAsString))
              .expectNext(value)
              .expectComplete()
              .verify(TIMEOUT);
          own.delete("k").block(TIMEOUT);
        });
  }

  /**
   * Two stores on the application's client: the first writes {@code k} = {@code one} in this test's
   * {@link #database} and table {@link #TABLE}, the second {@code k} = {@code two} in its table {@code u},
   * and each reads its record back. The records are kept; a third store, made after they closed, reads the
   * first.
   */
  @Test
  void storesOnAClientOfTheApplicationLeaveItOpenWhenTheyClose() throws Exception {
    ApplicationClient<Store> client = orSkip(applicationClient(), "the backend takes no client");
    SharedClientChecks.leftOpenByBackendsBuiltOnIt(client, Store::close,
        (first, second) -> writtenAndReadBack(first.scoped(database, TABLE), second.scoped(database, "u")),
        third -> StepVerifier.create(third.scoped(database, TABLE).read("k").map(Record::valueAsString))
            .expectNext("one").expectComplete().verify(TIMEOUT));
  }

  // --- helpers ---

  /** Writes {@code k} = {@code one} through {@code one} and {@code k} = {@code two} through {@code two}; reads them. */
  private static void writtenAndReadBack(Store one, Store two) {
    one.write(Record.of("k", "one")).block(TIMEOUT);
    two.write(Record.of("k", "two")).block(TIMEOUT);
    StepVerifier.create(one.read("k").map(Record::valueAsString)).expectNext("one").expectComplete().verify(TIMEOUT);
    StepVerifier.create(two.read("k").map(Record::valueAsString)).expectNext("two").expectComplete().verify(TIMEOUT);
  }

  private Mono<Void> increment(String key, AtomicLong conflicts) {
    return Mono.defer(() -> store.read(key).next()
            .flatMap(current -> store.write(
                Record.of(key, Integer.toString(Integer.parseInt(current.valueAsString()) + 1)),
                WriteOptions.defaults().withIfVersion(current.version())))
            .onErrorResume(e -> e instanceof MicroException me && me.code() == 404,
                missing -> store.write(Record.of(key, "1"), WriteOptions.defaults().withIfAbsent())))
        .doOnError(e -> conflicts.incrementAndGet())
        .retryWhen(Retry.max(10_000).filter(e -> e instanceof MicroException me && me.code() == 409));
  }

  private void checkOrder(AtomicReference<String> previous, String key) {
    if (keepsKeyOrder()) {
      assertThat(key).isGreaterThan(previous.get());
    }
    previous.set(key);
  }

  /** Returns the store's clock as an instant. */
  protected Instant now() {
    return Instant.ofEpochMilli(clock.now(TimeUnit.MILLISECONDS));
  }

  /** Writes a record to this test's namespace and waits for it. */
  protected void write(Record record) {
    write(record, WriteOptions.defaults());
  }

  /** Writes a record to this test's namespace with options and waits for it. */
  protected void write(Record record, WriteOptions options) {
    StepVerifier.create(store.write(record, options)).expectComplete().verify(TIMEOUT);
  }

  /** Reads the record of a key, which must exist. */
  protected Record readOne(String key) {
    Record record = store.read(key).single().block(TIMEOUT);
    assertThat(record).isNotNull();
    return record;
  }

  /** Reads records into a list. */
  protected List<Record> read(String key, ReadOptions options) {
    return store.read(key, options).collectList().block(TIMEOUT);
  }

  /** Lists keys into a list. */
  protected List<String> list(ListOptions options) {
    return store.list(options).collectList().block(TIMEOUT);
  }

  private static void expectConflict(Mono<Void> write) {
    StepVerifier.create(write)
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(409)))
        .verify(TIMEOUT);
  }

  private static void expectBadRequest(Mono<Void> operation) {
    StepVerifier.create(operation)
        .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(MicroException.class,
            e -> assertThat(e.code()).isEqualTo(400)))
        .verify(TIMEOUT);
  }
}
