package io.reactivemicro.plugin.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Checks the server addresses a backend is built with, and gives each the URL scheme it lacks, so that
 * every plugin accepts {@code host:port} as well as a URL and reports a bad address the same way.
 *
 * <pre>{@code
 * RedisURI uri = ServerAddresses.parse(address, "redis", "Redis", RedisURI::create);
 * List<URI> endpoints = ServerAddresses.parseAll(addresses, "http", "etcd", URI::create);
 * }</pre>
 */
public final class ServerAddresses {

  private ServerAddresses() {}

  /**
   * Returns an address as a URL: trimmed, with {@code scheme://} in front when it names none.
   *
   * @param address {@code host:port} or a URL
   * @param scheme the scheme to add, such as {@code redis}
   * @param kind the kind of server, for error messages, such as {@code Redis}
   * @return the URL
   * @throws NullPointerException when the address is null, with the message {@code address}
   * @throws IllegalArgumentException when it is blank: "the Redis address must not be blank"
   */
  public static String url(String address, String scheme, String kind) {
    Objects.requireNonNull(address, "address");
    String trimmed = address.trim();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("the " + kind + " address must not be blank");
    }
    return withScheme(trimmed, scheme);
  }

  /**
   * Returns addresses as URLs, in order, as {@link #url} does one.
   *
   * @param addresses at least one address
   * @param scheme the scheme to add
   * @param kind the kind of server, for error messages
   * @return the URLs
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty ("at least one NATS address is needed") or an
   *     address is blank ("a NATS address must not be blank: [..]")
   */
  public static List<String> urls(List<String> addresses, String scheme, String kind) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one " + kind + " address is needed");
    }
    return addresses.stream().map(address -> {
      String trimmed = Objects.requireNonNull(address, "address").trim();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException(article(kind) + " " + kind + " address must not be blank: " + addresses);
      }
      return withScheme(trimmed, scheme);
    }).toList();
  }

  /**
   * Returns an address as the client library's type, as {@link #url} makes it a URL.
   *
   * @param address {@code host:port} or a URL
   * @param scheme the scheme to add
   * @param kind the kind of server, for error messages
   * @param parser the client library's parser, such as {@code RedisURI::create}
   * @param <T> the type the parser makes
   * @return what the parser made
   * @throws NullPointerException when the address is null
   * @throws IllegalArgumentException when it is blank, or the parser fails: "invalid Redis address ..."
   */
  public static <T> T parse(String address, String scheme, String kind, Function<String, T> parser) {
    return parsed(address, url(address, scheme, kind), kind, parser);
  }

  /**
   * Returns addresses as the client library's type, in order, as {@link #urls} makes them URLs.
   *
   * @param addresses at least one address
   * @param scheme the scheme to add
   * @param kind the kind of server, for error messages
   * @param parser the client library's parser
   * @param <T> the type the parser makes
   * @return what the parser made of each
   * @throws NullPointerException when the list or an address is null
   * @throws IllegalArgumentException when the list is empty, an address is blank, or the parser fails
   */
  public static <T> List<T> parseAll(List<String> addresses, String scheme, String kind,
      Function<String, T> parser) {
    List<String> urls = urls(addresses, scheme, kind);
    return IntStream.range(0, urls.size())
        .mapToObj(i -> parsed(addresses.get(i), urls.get(i), kind, parser))
        .toList();
  }

  private static <T> T parsed(String address, String url, String kind, Function<String, T> parser) {
    try {
      return Objects.requireNonNull(parser.apply(url), "parsed address");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid " + kind + " address \"" + address + "\": " + e.getMessage(), e);
    }
  }

  private static String withScheme(String address, String scheme) {
    return address.contains("://") ? address : scheme + "://" + address;
  }

  private static String article(String word) {
    return "aeiou".indexOf(word.toLowerCase(Locale.ROOT).charAt(0)) >= 0 ? "an" : "a";
  }
}
