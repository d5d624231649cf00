package io.reactivemicro.sync.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.reactivemicro.errors.MicroException;
import io.reactivemicro.plugin.spi.ClientSource;
import io.reactivemicro.sync.spi.LeaseBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/** The atomic lease operations on etcd: a lease and a key created in a transaction per grant. */
final class EtcdLeases implements LeaseBackend {

  private static final String ID = "sync.etcd";

  private final ClientSource<Client> source;
  private final Client client;
  private final String prefix;
  private final Duration timeout;
  /** The lease of each owner that holds (or held) a lock through this client. */
  private final Map<String, Long> leases = new ConcurrentHashMap<>();

  EtcdLeases(ClientSource<Client> source, String prefix, Duration timeout) {
    this.source = source;
    this.client = source.client();
    this.prefix = prefix;
    this.timeout = timeout;
  }

  @Override
  public String name() {
    return "etcd";
  }

  @Override
  public Mono<Long> tryAcquire(String id, String owner, Duration ttl) {
    ByteSequence key = key(id);
    // A look first: while the lock is held, a waiting client's poll costs one read and no lease.
    return call("lock " + id, () -> client.getKVClient().get(key, GetOption.builder().withCountOnly(true).build()))
        .flatMap(existing -> existing.getCount() > 0 ? Mono.empty() : grantAndCreate(id, key, owner, ttl));
  }

  private Mono<Long> grantAndCreate(String id, ByteSequence key, String owner, Duration ttl) {
    long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    return call("lease grant", () -> client.getLeaseClient().grant(seconds))
        .flatMap(grant -> {
          long lease = grant.getID();
          return call("lock " + id, () -> client.getKVClient().txn()
                  .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                  .Then(Op.put(key, bytes(owner), PutOption.builder().withLeaseId(lease).build()))
                  .commit())
              .flatMap(response -> {
                if (response.isSucceeded()) {
                  leases.put(owner, lease);
                  // The transaction's one put made the revision it reports: the key's create revision.
                  return Mono.just(response.getHeader().getRevision());
                }
                return revoke(lease).then(Mono.<Long>empty());
              });
        });
  }

  @Override
  public Mono<Boolean> refresh(String id, String owner, Duration ttl) {
    Long lease = leases.get(owner);
    if (lease == null) {
      return Mono.just(false);
    }
    return call("lease keep-alive", () -> client.getLeaseClient().keepAliveOnce(lease))
        .map(response -> response.getTTL() > 0)
        .onErrorResume(EtcdLeases::leaseNotFound, e -> Mono.just(false))
        .flatMap(alive -> alive ? holds(id, owner) : Mono.just(false))
        .doOnNext(held -> {
          if (!held) {
            leases.remove(owner);
          }
        });
  }

  private Mono<Boolean> holds(String id, String owner) {
    return call("lock " + id, () -> client.getKVClient().get(key(id)))
        .map(response -> response.getKvs().stream().anyMatch(kv -> kv.getValue().equals(bytes(owner))));
  }

  @Override
  public Mono<Boolean> release(String id, String owner) {
    ByteSequence key = key(id);
    return call("unlock " + id, () -> client.getKVClient().txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes(owner))))
            .Then(Op.delete(key, DeleteOption.DEFAULT))
            .commit())
        .flatMap(response -> {
          Long lease = leases.remove(owner);
          Mono<Void> revoke = lease == null ? Mono.empty() : revoke(lease);
          return revoke.thenReturn(response.isSucceeded());
        });
  }

  @Override
  public Mono<Void> close() {
    return source.release();
  }

  private Mono<Void> revoke(long lease) {
    return call("lease revoke", () -> client.getLeaseClient().revoke(lease))
        .onErrorResume(e -> Mono.empty())
        .then();
  }

  private ByteSequence key(String id) {
    return bytes(prefix + id);
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private <T> Mono<T> call(String what, Supplier<CompletableFuture<T>> call) {
    return Mono.fromFuture(call)
        .timeout(timeout)
        .onErrorMap(error -> translate(what, error));
  }

  private Throwable translate(String what, Throwable error) {
    if (error instanceof MicroException) {
      return error;
    }
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof TimeoutException) {
      return new MicroException(ID, 503, source.describe() + " did not answer " + what + " within "
          + timeout.toMillis() + " ms", null, cause);
    }
    if (leaseNotFound(cause)) {
      return error;
    }
    int code = cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.UNAVAILABLE ? 503 : 500;
    return new MicroException(ID, code, source.describe() + ": " + what + " failed: " + cause.getMessage(),
        null, cause);
  }

  private static boolean leaseNotFound(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof NoSuchLeaseException
          || cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND
          || String.valueOf(cause.getMessage()).contains("lease not found")) {
        return true;
      }
    }
    return false;
  }
}
