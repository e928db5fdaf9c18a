// Clearway compatibility shim. Apicurio Registry 3.0.9 expects these types from the
// io.apicurio:apicurio-registry-config-definitions artifact, which is not available from the
// package registry reachable here. Written from the types the app jar references (javap), not copied.
package io.apicurio.common.apps.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Documentation-only marker for config properties (not a CDI qualifier). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface Info {
    ConfigPropertyCategory category() default ConfigPropertyCategory.CATEGORY_HIDDEN;
    String description() default "";
    String availableSince() default "";
    String registryAvailableSince() default "";
    String studioAvailableSince() default "";
    String[] seeAlso() default {};
    String[] requires() default {};
    boolean experimental() default false;
}
