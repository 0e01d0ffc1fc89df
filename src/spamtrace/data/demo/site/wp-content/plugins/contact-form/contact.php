<?php
/**
 * Plugin Name: Contact form
 * Sends the visitor's message to the shop owner through PHP mail() (the local MTA).
 */
function contact_form_send($name, $message)
{
    $name = preg_replace('/[\r\n]+/', ' ', $name);
    $body = "Message from " . $name . ":\n\n" . $message;
    return mail('owner@shop.example', 'Contact form', $body, 'From: shop@shop.example');
}
