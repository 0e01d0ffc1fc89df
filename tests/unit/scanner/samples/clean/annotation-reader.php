<?php
// reads @route annotations from doc comments and dispatches to the method they name
class Annotations {
    public static function routes($class) {
        $out = array();
        $r = new ReflectionClass($class);
        foreach ($r->getMethods() as $m) {
            $doc = $m->getDocComment();
            if ($doc && preg_match('/@route\s+(\S+)/', $doc, $hit)) {
                $out[$hit[1]] = array($class, $m->getName());
            }
        }
        return $out;
    }
}
$doc = (new ReflectionClass('Annotations'))->getDocComment();
$summary = trim(substr((string) $doc, 3, 80));
$routes = Annotations::routes('Annotations');
$handler = $routes[$_GET['r']] ?? null;
if ($handler) { call_user_func($handler); }
