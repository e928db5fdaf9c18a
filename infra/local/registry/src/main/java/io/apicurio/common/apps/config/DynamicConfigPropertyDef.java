// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.util.Objects;

@SuppressWarnings("rawtypes")
public class DynamicConfigPropertyDef {
    private String name;
    private Class type;
    private String defaultValue;
    private String label;
    private String description;
    private String[] requires;

    public DynamicConfigPropertyDef() {
    }

    public DynamicConfigPropertyDef(String name, Class type, String defaultValue) {
        this.name = name;
        this.type = type;
        this.defaultValue = defaultValue;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public Class getType() { return type; }
    public void setType(Class type) { this.type = type; }
    public String getDefaultValue() { return defaultValue; }
    public void setDefaultValue(String defaultValue) { this.defaultValue = defaultValue; }
    public String getLabel() { return label; }
    public void setLabel(String label) { this.label = label; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String[] getRequires() { return requires; }
    public void setRequires(String[] requires) { this.requires = requires; }

    /** Basic type check of a candidate value for this property. */
    public boolean isValidValue(String value) {
        if (value == null) {
            return false;
        }
        try {
            if (type == Boolean.class) {
                return value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
            } else if (type == Integer.class) {
                Integer.valueOf(value);
            } else if (type == Long.class) {
                Long.valueOf(value);
            }
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DynamicConfigPropertyDef && Objects.equals(name, ((DynamicConfigPropertyDef) o).name);
    }

    @Override
    public int hashCode() { return Objects.hashCode(name); }

    @Override
    public String toString() { return "DynamicConfigPropertyDef[" + name + ":" + type + "]"; }
}
