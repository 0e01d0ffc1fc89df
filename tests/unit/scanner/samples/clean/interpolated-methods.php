<?php
// method calls and variables written inside strings, and JavaScript template literals
class Link {
    private $base = '/shop';
    public function url($p) { return $this->base . '/' . rawurlencode($p); }
    public function html($name) {
        $title = htmlspecialchars($name);
        return "<a href=\"{$this->url($name)}\">${title}</a>";
    }
}
$js = '<script>const label = `${formatPrice(total)}`;</script>';
$escaped = "price: \${formatPrice(total)}";
echo (new Link())->html($_GET['p'] ?? 'home'), $js;
?>
<script>document.title = `${document.title} (${count(items)})`;</script>
