package io.reactivemicro.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Type;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code application/json} codec, on Jackson 3. Unknown properties are ignored, as Go's
 * {@code encoding/json} does, so services can add fields without breaking older callers.
 *
 * <p>Each thread that encodes keeps one JSON generator (with Jackson's output buffer, about 8 KB) and a
 * small array for {@link Encoder#encode(Object)}, and each thread that decodes from direct buffers an
 * array of at most 16 KB, reused from message to message while the thread lives.
 */
public final class JsonCodec implements Codec {

  /** The content type of this codec. */
  public static final String CONTENT_TYPE = "application/json";

  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final JsonMapper mapper;
  private final ObjectWriter generatorWriter;
  private final ThreadLocal<@Nullable Generators> generators = new ThreadLocal<>();

  /** Creates the codec with a mapper that ignores unknown properties. */
  public JsonCodec() {
    // Buffers recycled per thread: codecs run on a few event-loop threads, where a shared pool would
    // cost a synchronised hand-over and a queue node per message.
    this(JsonMapper.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build())
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .addModule(new ConstructorInstantiators()).build());
  }

  /**
   * Creates the codec on a mapper of the application's own.
   *
   * @param mapper the mapper to encode and decode with
   */
  public JsonCodec(JsonMapper mapper) {
    this.mapper = mapper;
    // Messages are written one root value at a time, each to a target of its own: no separator.
    this.generatorWriter = mapper.writer().withRootValueSeparator((String) null)
        .without(StreamWriteFeature.AUTO_CLOSE_TARGET);
  }

  /** Returns the mapper this codec uses. */
  public JsonMapper mapper() {
    return mapper;
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }

  @Override
  public Encoder encoder(Type type) {
    JavaType javaType = mapper.constructType(type);
    ObjectWriter writer = mapper.writerFor(javaType);
    // Jackson closes the target it writes to unless told not to; the caller owns it.
    ObjectWriter streaming = writer.without(StreamWriteFeature.AUTO_CLOSE_TARGET);
    return new Encoder() {
      @Override
      public byte[] encode(@Nullable Object value) {
        if (value == null) {
          return EMPTY_OBJECT;
        }
        Generators generators = generators();
        if (generators.busy) {
          try {
            return writer.writeValueAsBytes(value);
          } catch (JacksonException e) {
            throw encodingFailed(javaType, e);
          }
        }
        Generators.Sink sink = generators.sink;
        try {
          write(generators, writer, javaType, value, sink);
          return sink.toByteArray();
        } catch (IOException e) {
          throw new IllegalStateException("writing to memory cannot fail", e);
        } finally {
          sink.reset();
        }
      }

      @Override
      public void encode(@Nullable Object value, OutputStream out) throws IOException {
        if (value == null) {
          out.write(EMPTY_OBJECT);
          return;
        }
        Generators generators = generators();
        if (generators.busy) {
          try {
            streaming.writeValue(out, value);
          } catch (JacksonIOException e) {
            throw e.getCause();
          } catch (JacksonException e) {
            throw encodingFailed(javaType, e);
          }
          return;
        }
        write(generators, writer, javaType, value, out);
      }
    };
  }

  /**
   * Writes one value through this thread's generator, pointed at {@code out} for the call. A generator
   * left in an unknown state by a failure is dropped, and the next call makes a new one.
   */
  private void write(Generators generators, ObjectWriter writer, JavaType javaType, Object value, OutputStream out)
      throws IOException {
    generators.busy = true;
    generators.target = out;
    boolean written = false;
    try {
      JsonGenerator generator = generators.generator;
      if (generator == null) {
        generator = generatorWriter.createGenerator(generators);
        generators.generator = generator;
      }
      writer.writeValue(generator, value);
      generator.flush();
      written = true;
    } catch (JacksonIOException e) {
      throw e.getCause();
    } catch (JacksonException e) {
      throw encodingFailed(javaType, e);
    } finally {
      if (!written) {
        generators.generator = null;
      }
      generators.target = null;
      generators.busy = false;
    }
  }

  private Generators generators() {
    Generators generators = this.generators.get();
    if (generators == null) {
      generators = new Generators();
      this.generators.set(generators);
    }
    return generators;
  }

  private static CodecException encodingFailed(JavaType javaType, JacksonException e) {
    return new CodecException("cannot encode " + javaType + " as JSON: " + e.getOriginalMessage(), e);
  }

  /**
   * A thread's JSON generator, kept from one message to the next, and the array a direct buffer's bytes
   * are decoded from. Making a generator (its contexts, its
   * buffer from the recycler, the buffer's release on close) cost about as much as writing a small
   * record with it. Between calls the generator writes into nothing; during a call, into the call's
   * target. Each message is a complete root value and is flushed before the call returns, so the next
   * message starts on an empty buffer; root values are written with no separator. A call made while the
   * thread's generator is in use (a serializer that encodes with this codec itself) takes a generator
   * of its own.
   */
  private static final class Generators extends OutputStream {

    /**
     * The most bytes the array of {@link Encoder#encode(Object)} and the decoding array keep; a larger
     * message to decode gets an array of its own.
     */
    private static final int SINK_RETAINED = 16 * 1024;

    final Sink sink = new Sink();
    @Nullable JsonGenerator generator;
    @Nullable OutputStream target;
    boolean busy;
    private byte[] scratch = new byte[256];
    boolean reading;

    /** Returns the thread's array for decoding, at least {@code length} bytes long. */
    byte[] scratch(int length) {
      if (scratch.length < length) {
        scratch = new byte[Math.max(length, scratch.length * 2)];
      }
      return scratch;
    }

    @Override
    public void write(int b) throws IOException {
      target().write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      target().write(bytes, offset, length);
    }

    private OutputStream target() throws IOException {
      OutputStream out = target;
      if (out == null) {
        throw new IOException("the generator was used outside a call");
      }
      return out;
    }

    /** A growable array, emptied after each call and shrunk when a large message made it grow. */
    static final class Sink extends OutputStream {

      private byte[] bytes = new byte[256];
      private int count;

      @Override
      public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
      }

      @Override
      public void write(byte[] source, int offset, int length) {
        ensure(length);
        System.arraycopy(source, offset, bytes, count, length);
        count += length;
      }

      private void ensure(int more) {
        if (bytes.length - count < more) {
          bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, Math.addExact(count, more)));
        }
      }

      byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
      }

      void reset() {
        count = 0;
        if (bytes.length > SINK_RETAINED) {
          bytes = new byte[256];
        }
      }
    }
  }

  @Override
  public Decoder decoder(Type type) {
    JavaType javaType = mapper.constructType(type);
    ObjectReader reader = mapper.readerFor(javaType);
    return data -> {
      int length = data.remaining();
      if (length == 0) {
        return null;
      }
      try {
        if (data.hasArray()) {
          return reader.readValue(data.array(), data.arrayOffset() + data.position(), length);
        }
        Generators generators = generators();
        if (generators.reading || length > Generators.SINK_RETAINED) {
          byte[] copy = new byte[length];
          data.get(data.position(), copy);
          return reader.readValue(copy);
        }
        // Jackson keeps nothing of its input once the value is read, so a direct buffer's bytes are
        // copied into this thread's scratch array rather than a new one per message.
        generators.reading = true;
        try {
          byte[] scratch = generators.scratch(length);
          data.get(data.position(), scratch, 0, length);
          return reader.readValue(scratch, 0, length);
        } finally {
          generators.reading = false;
        }
      } catch (JacksonException e) {
        throw new CodecException("malformed JSON for " + javaType.getRawClass().getSimpleName() + ": "
            + e.getOriginalMessage(), e);
      }
    };
  }
}
