<?php
// restores a saved cart from the visitor's cookie; the class only reconnects its price list
class Cart {
    public $items = array();
    private $prices;
    public function __wakeup() {
        $this->prices = load_price_list();
    }
    public function __toString() {
        return count($this->items) . ' items';
    }
}
$cart = unserialize($_COOKIE['cart'], array('allowed_classes' => array('Cart')));
echo $cart;
