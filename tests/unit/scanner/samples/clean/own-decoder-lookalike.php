<?php
// spamtrace test sample: a URL-safe base64 helper and a template class that evaluates its
// own compiled templates (no cipher of the evaluated text)
function b64url_decode($s) {
    return base64_decode(strtr($s, '-_', '+/'));
}
class Tiny_Template {
    private function compile($tpl) {
        return str_replace(array('{{', '}}'), array('<?php echo htmlspecialchars(', '); ?>'), $tpl);
    }
    public function render($tpl, array $vars) {
        extract($vars, EXTR_SKIP);
        ob_start();
        eval('?>' . $this->compile($tpl));
        return ob_get_clean();
    }
}
$state = json_decode(b64url_decode(isset($_COOKIE['st']) ? $_COOKIE['st'] : ''), true);
assert(is_array($state) || $state === null);
