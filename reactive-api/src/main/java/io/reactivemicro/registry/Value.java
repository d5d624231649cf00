package io.reactivemicro.registry;

import java.util.List;

/**
 * Describes one field of a request or response, nested, as Go Micro's registry {@code Value} does.
 *
 * @param name the field name as it appears on the wire ({@code ""} at the top level)
 * @param type the field type, such as {@code string}, {@code int64}, {@code []Item} or a class name
 * @param values the fields of the type, when it is a structure
 */
public record Value(String name, String type, List<Value> values) {

  /** Creates the value, copying the list. */
  public Value {
    values = List.copyOf(values);
  }
}
