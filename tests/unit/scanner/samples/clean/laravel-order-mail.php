<?php
namespace App\Http\Controllers;

use App\Mail\OrderShipped;
use App\Models\Order;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Mail;

class OrderController extends Controller
{
    public function ship(Request $request, Order $order)
    {
        $order->update(['tracking' => $request->input('tracking')]);
        Mail::to($order->customer_email)->bcc('orders@example.org')->send(new OrderShipped($order));
        return redirect()->route('orders.show', $order)->with('status', 'Shipped');
    }
}
