package io.reactivemicro.test.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.Settings;
import io.reactivemicro.sync.Leadership;
import io.reactivemicro.sync.Lock;
import io.reactivemicro.sync.Sync;
import io.reactivemicro.test.ApplicationClient;
import io.reactivemicro.test.BackendContract;
import io.reactivemicro.test.SharedClientChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * The behaviour every {@link Sync} shares, as a suite each implementation runs by extending this class.
 *
 * <p>Every test uses lock ids of its own and several clients, each a separate {@code Sync} (its own
 * connections), as separate processes would be; the suite closes them after each test. Backends whose
 * leases cannot be as short as memory's, or whose expiry lags, tune the hooks ({@link #shortTtl()},
 * {@link #expiryGrace()}) rather than the tests.
 *
 * <p>How a backend is made is tested too, through the hooks of {@link BackendContract}, whose defaults
 * skip those tests: a sync made from {@link #settingsChoosingThisBackend()} must compete with
 * {@link #newClient()}'s for the same locks, so the settings name the same server and namespace.
 *
 * <pre>{@code
 * class RedisSyncTest extends SyncContract {
 *   private final String prefix = "test:sync:" + UUID.randomUUID() + ":";
 *
 *   @Override protected Sync newClient() {
 *     return RedisSync.builder("127.0.0.1:6379").prefix(prefix).build();
 *   }
 *
 *   @Override protected Settings settingsChoosingThisBackend() {
 *     return Settings.empty().with("sync", "redis").with("sync_prefix", prefix);
 *   }
 *
 *   @Override protected String sharedClientKey() {
 *     return "lettuce redis://127.0.0.1:6379";
 *   }
 * }
 * }</pre>
 */
public abstract class SyncContract extends BackendContract<Sync> {

  /** How long any single operation or expected event may take. */
  protected static final Duration TIMEOUT = Duration.ofSeconds(20);

  /** A TTL no test outlasts: a lock with it is only freed by a release. */
  protected static final Duration LONG_TTL = Duration.ofSeconds(60);

  private final String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + "-";
  private final List<Sync> clients = new CopyOnWriteArrayList<>();
  private final List<Disposable> subscriptions = new CopyOnWriteArrayList<>();
  private final List<Throwable> campaignErrors = new CopyOnWriteArrayList<>();

  /**
   * Returns a new client of the backend under test: a separate {@code Sync} with connections of its own,
   * competing for the same locks as the other clients of the same test.
   */
  protected abstract Sync newClient();

  /**
   * Returns the TTL of the locks that are meant to expire: short, but no shorter than the backend allows
   * (etcd leases last at least about two seconds), and long enough that a keep-alive every third of it
   * still arrives in time on a loaded machine.
   */
  protected Duration shortTtl() {
    return Duration.ofSeconds(2);
  }

  /** Returns how long past its TTL an expired lock may still be held: the backend's expiry lag. */
  protected Duration expiryGrace() {
    return Duration.ofSeconds(3);
  }

  /** Cancels what the test subscribed and closes its clients. */
  @AfterEach
  void closeClients() {
    subscriptions.forEach(Disposable::dispose);
    for (Sync client : clients) {
      client.close().timeout(TIMEOUT).onErrorResume(e -> Mono.empty()).block();
    }
  }

  // --- locks ---

  @Test
  void eightClientsIncrementingUnderTheLockCountEveryIncrement() {
    String id = lockId("counter");
    AtomicInteger counter = new AtomicInteger();
    List<Long> tokens = new CopyOnWriteArrayList<>();
    List<Sync> eight = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      eight.add(client());
    }

    Flux.fromIterable(eight)
        .flatMap(sync -> Flux.range(0, 100).concatMap(i -> sync.lock(id, LONG_TTL, Duration.ofSeconds(120))
            .flatMap(lock -> Mono.fromCallable(counter::get)
                // A read, a pause on another thread, then a write: without mutual exclusion, updates are lost.
                .delayElement(Duration.ofMillis(1), Schedulers.parallel())
                .doOnNext(value -> {
                  tokens.add(lock.token());
                  counter.set(value + 1);
                })
                .then(lock.unlock()))), 8)
        .then()
        .block(Duration.ofMinutes(4));

    assertThat(counter.get()).isEqualTo(800);
    assertThat(tokens).hasSize(800);
    assertThat(tokens).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
  }

  @Test
  void heldLockIsRefusedAtOnceWithoutWaitAndAfterTheWaitOtherwise() {
    String id = lockId("held");
    Sync holder = client();
    Sync other = client();
    take(holder, id, LONG_TTL);

    assertError(other.lock(id, LONG_TTL, Duration.ZERO), 409);
    assertError(other.lock(id, LONG_TTL, Duration.ofMillis(300)), 408);
  }

  @Test
  void waitingClientGetsTheLockWhenItIsReleasedWithAGreaterToken() {
    String id = lockId("handover");
    Sync holder = client();
    Sync waiter = client();
    Lock first = take(holder, id, LONG_TTL);
    BlockingQueue<Lock> granted = new LinkedBlockingQueue<>();
    subscriptions.add(waiter.lock(id, LONG_TTL, TIMEOUT).subscribe(granted::add));

    assertThat(poll(granted, Duration.ofMillis(300))).as("granted while held").isNull();
    first.unlock().block(TIMEOUT);

    Lock second = poll(granted, TIMEOUT);
    assertThat(second).as("granted after the release").isNotNull();
    assertThat(second.id()).isEqualTo(id);
    assertThat(second.token()).isGreaterThan(first.token());
  }

  @Test
  void cancellingTheWaitGivesUpWithoutTakingTheLock() {
    String id = lockId("cancel");
    Sync holder = client();
    Sync quitter = client();
    Sync next = client();
    Lock held = take(holder, id, LONG_TTL);
    BlockingQueue<Lock> granted = new LinkedBlockingQueue<>();
    Disposable waiting = quitter.lock(id, LONG_TTL, TIMEOUT).subscribe(granted::add);

    assertThat(poll(granted, Duration.ofMillis(300))).isNull();
    waiting.dispose();
    held.unlock().block(TIMEOUT);

    // Had the cancelled waiter taken the lock, this would wait for its 60 s TTL and fail.
    StepVerifier.create(next.lock(id, LONG_TTL, Duration.ofSeconds(10)))
        .assertNext(lock -> assertThat(lock.token()).isGreaterThan(held.token()))
        .expectComplete()
        .verify(TIMEOUT);
    assertThat(granted).isEmpty();
  }

  @Test
  void fencingTokensIncreaseAcrossHoldersGrantsAndExpiry() {
    String id = lockId("fencing");
    Sync a = client();
    Sync b = client();
    List<Long> tokens = new ArrayList<>();

    Lock expiring = take(a, id, shortTtl());
    tokens.add(expiring.token());
    Lock afterExpiry = a.lock(id, LONG_TTL, shortTtl().plus(expiryGrace())).block(TIMEOUT);
    tokens.add(afterExpiry.token());
    afterExpiry.unlock().block(TIMEOUT);
    Lock other = take(b, id, LONG_TTL);
    tokens.add(other.token());
    other.unlock().block(TIMEOUT);
    Lock again = take(a, id, LONG_TTL);
    tokens.add(again.token());
    again.unlock().block(TIMEOUT);

    assertThat(tokens).isSortedAccordingTo(Long::compare).doesNotHaveDuplicates();
  }

  @Test
  void vanishedHolderFreesTheLockAfterItsTtl() {
    String id = lockId("vanish");
    Sync holder = client();
    Sync other = client();
    Lock held = take(holder, id, shortTtl());

    holder.close().block(TIMEOUT);

    assertError(other.lock(id, LONG_TTL, Duration.ZERO), 409);
    StepVerifier.create(other.lock(id, LONG_TTL, shortTtl().plus(expiryGrace())))
        .assertNext(lock -> assertThat(lock.token()).isGreaterThan(held.token()))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void unlockByAnExpiredHolderDoesNotReleaseTheNewHoldersLock() {
    String id = lockId("stale");
    Sync stale = client();
    Sync current = client();
    Sync third = client();
    Lock expired = take(stale, id, shortTtl());
    Lock held = current.lock(id, LONG_TTL, shortTtl().plus(expiryGrace())).block(TIMEOUT);

    assertError(expired.unlock(), 409);
    assertError(expired.refresh(), 409);
    assertError(third.lock(id, LONG_TTL, Duration.ZERO), 409);

    held.unlock().block(TIMEOUT);
    StepVerifier.create(third.lock(id, LONG_TTL, Duration.ZERO))
        .assertNext(lock -> assertThat(lock.token()).isGreaterThan(held.token()))
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void refreshedLockOutlivesItsTtl() {
    String id = lockId("refresh");
    Sync holder = client();
    Sync other = client();
    Lock held = take(holder, id, shortTtl());
    Disposable keepAlive = held.keepAlive().subscribe();
    subscriptions.add(keepAlive);

    assertError(other.lock(id, LONG_TTL, shortTtl().multipliedBy(3)), 408);

    keepAlive.dispose();
    held.refresh().block(TIMEOUT);
    StepVerifier.create(other.lock(id, LONG_TTL, shortTtl().plus(expiryGrace())))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void unlockTwiceIsHarmlessAndUnlockedLockCannotBeRefreshed() {
    String id = lockId("twice");
    Sync sync = client();
    Lock lock = take(sync, id, LONG_TTL);

    lock.unlock().block(TIMEOUT);
    lock.unlock().block(TIMEOUT);
    assertError(lock.refresh(), 409);
  }

  @Test
  void withLockHoldsTheLockWhileTheWorkRunsAndReleasesItAfter() {
    String id = lockId("with");
    Sync sync = client();
    Sync other = client();

    StepVerifier.create(sync.withLock(id, shortTtl(), Duration.ZERO,
            lock -> Mono.delay(shortTtl().multipliedBy(2))
                .then(other.lock(id, LONG_TTL, Duration.ZERO).map(Lock::token).onErrorResume(
                    MicroException.class, e -> Mono.just((long) -e.code())))))
        .expectNext(-409L)
        .expectComplete()
        .verify(TIMEOUT);

    StepVerifier.create(other.lock(id, LONG_TTL, Duration.ZERO))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void withLockReleasesTheLockWhenTheWorkFails() {
    String id = lockId("failing");
    Sync sync = client();

    StepVerifier.create(sync.withLock(id, LONG_TTL, Duration.ZERO,
            lock -> Mono.error(new IllegalStateException("boom"))))
        .expectErrorMessage("boom")
        .verify(TIMEOUT);

    StepVerifier.create(client().lock(id, LONG_TTL, Duration.ZERO))
        .expectNextCount(1)
        .expectComplete()
        .verify(TIMEOUT);
  }

  @Test
  void invalidArgumentsAreBadRequests() {
    Sync sync = client();

    assertError(sync.lock(" ", LONG_TTL, Duration.ZERO), 400);
    assertError(sync.lock(lockId("ttl"), Duration.ZERO, Duration.ZERO), 400);
    assertError(sync.lock(lockId("wait"), LONG_TTL, Duration.ofSeconds(-1)), 400);
    StepVerifier.create(sync.elect("", LONG_TTL))
        .expectErrorSatisfies(e -> assertThat(((MicroException) e).code()).isEqualTo(400))
        .verify(TIMEOUT);
  }

  @Test
  void closedClientRefusesOperations() {
    Sync sync = client();
    sync.close().block(TIMEOUT);

    assertError(sync.lock(lockId("closed"), LONG_TTL, Duration.ZERO), 503);
  }

  // --- making syncs ---

  @Test
  void settingsChooseThisBackendWithItsNamespace() {
    Settings settings = settings();
    Sync chosen = Sync.fromSettings(settings);
    try {
      Sync other = client();
      assertThat(chosen).hasSameClassAs(other);
      assertThat(chosen.name()).isEqualTo(settings.get("sync").orElseThrow());
      otherIsRefusedWhileHeld(chosen, other, lockId("settings"));
      assertChosen(chosen);
    } finally {
      chosen.close().block(TIMEOUT);
    }
  }

  @Test
  void unreachableServerFailsTheOperationWithA503NotTheConstruction() {
    Sync sync = orSkip(unreachable(), "the backend has no server to be unreachable");
    try {
      assertError(sync.lock(lockId("down"), LONG_TTL, Duration.ZERO), 503);
    } finally {
      sync.close().block(TIMEOUT);
    }
  }

  @Test
  void syncsFromSettingsShareOneClientUntilTheLastCloses() {
    String key = orSkip(sharedClientKey(), "syncs from settings share no client");
    Settings settings = settings();
    String id = lockId("shared");
    SharedClientChecks.shareOneClientUntilTheLastCloses(key, () -> Sync.fromSettings(settings), Sync::close,
        (first, second) -> otherIsRefusedWhileHeld(first, second, id),
        second -> take(second, id, LONG_TTL).unlock().block(TIMEOUT));
  }

  @Test
  void syncsFromSettingsCreatedAndClosedConcurrentlyAllWorkAndReleaseTheClient() throws Exception {
    String key = orSkip(sharedClientKey(), "syncs from settings share no client");
    Settings settings = settings();
    SharedClientChecks.createdAndClosedConcurrently(key, () -> Sync.fromSettings(settings), Sync::close,
        (sync, thread) -> take(sync, lockId(thread), LONG_TTL).unlock().block(TIMEOUT));
  }

  /**
   * One lock, {@code lockId("application-client")}, through two syncs on the application's client: taken by
   * the first and refused to the second, then, once released, taken and released by the second. By then the
   * lock has been granted twice and is free; a third sync takes it after the two closed.
   */
  @Test
  void syncsOnAClientOfTheApplicationLeaveItOpenWhenTheyClose() throws Exception {
    ApplicationClient<Sync> client = orSkip(applicationClient(), "the backend takes no client");
    String id = lockId("application-client");
    SharedClientChecks.leftOpenByBackendsBuiltOnIt(client, Sync::close, (first, second) -> {
      otherIsRefusedWhileHeld(first, second, id);
      take(second, id, LONG_TTL).unlock().block(TIMEOUT);
    }, third -> take(third, id, LONG_TTL).unlock().block(TIMEOUT));
  }

  // --- leader election ---

  @Test
  void firstCandidateIsElectedAndResigningHandsLeadershipOver() {
    String id = lockId("office");
    BlockingQueue<Leadership> first = campaign(client(), id, LONG_TTL);
    Leadership elected = next(first);
    assertThat(elected.isLeader()).isTrue();
    assertThat(elected.id()).isEqualTo(id);

    BlockingQueue<Leadership> second = campaign(client(), id, LONG_TTL);
    assertThat(poll(second, Duration.ofMillis(500))).as("a second leader").isNull();

    elected.resign().block(TIMEOUT);

    Leadership lost = next(first);
    assertThat(lost.state()).isEqualTo(Leadership.State.LOST);
    assertThat(lost.term()).isEqualTo(elected.term());
    Leadership successor = next(second);
    assertThat(successor.isLeader()).isTrue();
    assertThat(successor.term()).isGreaterThan(elected.term());
  }

  @Test
  void cancellingTheCampaignResigns() {
    String id = lockId("cancelled-office");
    Sync leader = client();
    BlockingQueue<Leadership> events = new LinkedBlockingQueue<>();
    Disposable campaign = leader.elect(id, LONG_TTL).subscribe(events::add, campaignErrors::add);
    subscriptions.add(campaign);
    Leadership elected = next(events);
    BlockingQueue<Leadership> second = campaign(client(), id, LONG_TTL);

    campaign.dispose();

    // Within the timeout, far shorter than the 60 s term the cancelled leader would otherwise keep.
    Leadership successor = next(second);
    assertThat(successor.isLeader()).isTrue();
    assertThat(successor.term()).isGreaterThan(elected.term());
  }

  @Test
  void leaderKeepsItsTermPastTheTtlWhileAlive() {
    String id = lockId("steady-office");
    BlockingQueue<Leadership> first = campaign(client(), id, shortTtl());
    assertThat(next(first).isLeader()).isTrue();
    BlockingQueue<Leadership> second = campaign(client(), id, shortTtl());

    assertThat(poll(second, shortTtl().multipliedBy(3))).as("a second leader").isNull();
    assertThat(first).isEmpty();
  }

  @Test
  void vanishedLeaderIsReplacedWithinItsTtl() {
    String id = lockId("vanishing-office");
    Sync leader = client();
    BlockingQueue<Leadership> first = campaign(leader, id, shortTtl());
    Leadership elected = next(first);
    BlockingQueue<Leadership> second = campaign(client(), id, shortTtl());

    leader.close().block(TIMEOUT);

    assertThat(next(first).state()).isEqualTo(Leadership.State.LOST);
    Leadership successor = poll(second, shortTtl().plus(expiryGrace()));
    assertThat(successor).as("elected within the TTL and its grace").isNotNull();
    assertThat(successor.isLeader()).isTrue();
    assertThat(successor.term()).isGreaterThan(elected.term());
  }

  // --- helpers ---

  /** Returns a new client that is closed after the test. */
  protected final Sync client() {
    Sync client = newClient();
    clients.add(client);
    return client;
  }

  /** Returns a lock id unique to this test instance. */
  protected final String lockId(String name) {
    return prefix + name;
  }

  /** Takes the lock {@code id} through {@code holder}, sees {@code other} refused it, and releases it. */
  private static void otherIsRefusedWhileHeld(Sync holder, Sync other, String id) {
    Lock lock = take(holder, id, LONG_TTL);
    assertError(other.lock(id, LONG_TTL, Duration.ZERO), 409);
    lock.unlock().block(TIMEOUT);
  }

  private static Lock take(Sync sync, String id, Duration ttl) {
    Lock lock = sync.lock(id, ttl, Duration.ZERO).block(TIMEOUT);
    assertThat(lock).isNotNull();
    return lock;
  }

  private BlockingQueue<Leadership> campaign(Sync sync, String id, Duration ttl) {
    BlockingQueue<Leadership> events = new LinkedBlockingQueue<>();
    subscriptions.add(sync.elect(id, ttl).subscribe(events::add, campaignErrors::add));
    return events;
  }

  private Leadership next(BlockingQueue<Leadership> events) {
    Leadership event = poll(events, TIMEOUT);
    assertThat(event).as("a leadership change within " + TIMEOUT + "; campaigns failed with " + campaignErrors)
        .isNotNull();
    return event;
  }

  private static <T> @Nullable T poll(BlockingQueue<T> queue, Duration timeout) {
    try {
      return queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void assertError(Mono<?> operation, int code) {
    assertThatThrownBy(() -> operation.block(TIMEOUT))
        .isInstanceOfSatisfying(MicroException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
